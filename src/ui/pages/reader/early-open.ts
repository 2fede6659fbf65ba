/**
 * A framed reader asks for its message before its own bundle loads: `boot.ts` runs as a
 * small classic script at the top of reader.html, and its request is handed to the page
 * here. The background then decrypts and verifies while the page's bundle is fetched,
 * compiled and rendered. The frame itself still asks (DESIGN.md invariant 1); the hand-over
 * lives in the frame's own window, which the webmail cannot reach.
 *
 * The boot script posts the raw request and the page unwraps the raw reply: the two are
 * separate bundles, and an error must reach the page as the page's own CachetError.
 */
import type { ReaderView } from '../../../protocol/runtime';
import { requestMessage, unwrapResponse, type RuntimeRequestMessage } from '../../../protocol/runtime-envelope';
import { frameToken } from '../../components/frame-token';

/** Posts a runtime message as it stands and resolves to the raw reply. */
export type RuntimePost = (message: RuntimeRequestMessage) => Promise<unknown>;

const SLOT = Symbol.for('cachet.reader.early-opening');
type Slots = Record<typeof SLOT, Promise<unknown> | undefined>;

/** Asks for the framed message at once, if this is a framed reader with a token. */
export function askEarly(post: RuntimePost): void {
  const token = frameToken();
  if (token === undefined) return;
  const reply = post(requestMessage('reader/open-frame', { token }));
  // Handled by the page that takes it; until then it is not unhandled.
  reply.catch(() => undefined);
  (globalThis as unknown as Slots)[SLOT] = reply;
}

/** The request `askEarly` made, once: the token it spent cannot be redeemed again. */
export function takeEarlyOpening(): Promise<ReaderView> | undefined {
  const slots = globalThis as unknown as Slots;
  const reply = slots[SLOT];
  slots[SLOT] = undefined;
  return reply?.then((raw) => unwrapResponse(raw) as ReaderView);
}
