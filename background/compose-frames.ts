/**
 * Compose frames a content script asked for (DESIGN.md invariant 1). The content script
 * hands over what the webmail's form holds and gets a one-time frame URL; the compose
 * frame redeems the token in that same tab and from then on names itself by its slot.
 * Slots live in session storage: a message may take longer to write than the service
 * worker stays awake, and sending must still find the tab and the site it belongs to.
 */
import { CachetError } from '../src/errors';
import type { ComposeMode, ComposePrefill, ProviderMessage } from '../src/protocol/runtime';
import type { StorageArea } from './storage-area';

export interface ComposeSlot {
  readonly slot: string;
  readonly tabId: number;
  /** The content script's frame, told when the message is sent or the frame closed. */
  readonly contentFrameId: number;
  /** The webmail's origin, whose mail account sends the message. */
  readonly site: string;
  readonly mode: ComposeMode;
  readonly fields: ComposePrefill;
  readonly originalUrl?: string;
  readonly originalMessageId?: string;
  /** The original as the webmail's API names it (Outlook: Microsoft Graph's id). */
  readonly originalProvider?: ProviderMessage;
}

export interface ComposeFrames {
  open(slot: Omit<ComposeSlot, 'slot'>): Promise<{ url: string; slot: string }>;
  /** One-time: the token is gone after this; the tab must be the one that asked. */
  redeem(token: string, tabId: number): Promise<ComposeSlot>;
  /** The slot of a compose frame in `tabId`; refused for any other tab. */
  slot(slot: string, tabId: number): Promise<ComposeSlot>;
  close(slot: string): Promise<void>;
}

const storageKey = 'composeSlots';
/** Bounds storage if a page keeps asking; the oldest slots go first. */
const maxSlots = 32;

type Stored = Record<string, { readonly token: string | null; readonly entry: ComposeSlot }>;

export function createComposeFrames(composeUrl: string, session: StorageArea, randomToken: () => string): ComposeFrames {
  // Reads and writes of the one record are queued, so two quick requests never lose one.
  let queue: Promise<unknown> = Promise.resolve();
  function change<T>(work: (stored: Stored) => T): Promise<T> {
    const run = queue.then(async () => {
      const stored = ((await session.get(storageKey))[storageKey] ?? {}) as Stored;
      const result = work(stored);
      await session.set({ [storageKey]: stored });
      return result;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  return {
    open(entry) {
      const token = randomToken();
      const slot = randomToken().slice(0, 22);
      return change((stored) => {
        stored[slot] = { token, entry: { ...entry, slot } };
        const slots = Object.keys(stored);
        for (const old of slots.slice(0, Math.max(0, slots.length - maxSlots))) delete stored[old];
        return { url: `${composeUrl}#${token}`, slot };
      });
    },
    redeem(token, tabId) {
      return change((stored) => {
        const found = Object.values(stored).find((s) => s.token !== null && s.token === token);
        if (found === undefined || found.entry.tabId !== tabId) throw new CachetError('runtime/forbidden', 'unknown compose frame');
        stored[found.entry.slot] = { token: null, entry: found.entry };
        return found.entry;
      });
    },
    slot(slot, tabId) {
      return change((stored) => {
        const found = stored[slot];
        if (found === undefined || found.token !== null || found.entry.tabId !== tabId) {
          throw new CachetError('runtime/forbidden', 'this compose window is no longer known; copy your text and open secure compose again');
        }
        return found.entry;
      });
    },
    close(slot) {
      return change((stored) => {
        delete stored[slot];
      });
    },
  };
}
