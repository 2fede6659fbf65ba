/**
 * PIN prompts the native host raises ('pin/needed'). The PIN is typed only in Cachet's
 * PIN page (B19, DESIGN.md invariant 1): this registry opens that page for a prompt,
 * answers its questions, and hands the PIN to the native channel, never to anyone else.
 * Each prompt carries what the key is being unlocked for (key-uses.ts); a prompt while no
 * signing or decryption started by the user is running is cancelled without asking, so a
 * card is never unlocked for something the user did not start in a Cachet page.
 */
import { CachetError } from '../src/errors';
import type { NativeEvents } from '../src/protocol/native';
import type { KeyUsePurpose, PinPromptInfo, PinResult } from '../src/protocol/runtime';

export interface PinChannel {
  provide(promptId: string, pin: string): Promise<PinResult>;
  cancel(promptId: string): Promise<void>;
}

export interface PinPrompts {
  /** Called by the native client when the host sends 'pin/needed'. */
  announce(event: NativeEvents['pin/needed']): Promise<void>;
  /** Called when the host sends 'pin/closed'. */
  closed(promptId: string): void;
  info(promptId: string): PinPromptInfo;
  provide(promptId: string, pin: string): Promise<PinResult>;
  cancel(promptId: string): Promise<void>;
}

/** More open prompts than tokens anyone has; beyond it the host is misbehaving. */
const maxOpenPrompts = 16;

export function createPinPrompts(
  channel: PinChannel,
  openPinPage: (promptId: string) => Promise<void>,
  purposes: () => readonly KeyUsePurpose[],
): PinPrompts {
  const open = new Map<string, PinPromptInfo>();

  function known(promptId: string): PinPromptInfo {
    const info = open.get(promptId);
    if (info === undefined) throw new CachetError('input/invalid', 'this PIN request is no longer open');
    return info;
  }

  return {
    async announce(event) {
      if (!open.has(event.promptId) && open.size >= maxOpenPrompts) {
        throw new CachetError('input/invalid', 'too many open PIN requests');
      }
      const running = purposes();
      if (running.length === 0) {
        await channel.cancel(event.promptId);
        return;
      }
      open.set(event.promptId, { tokenLabel: event.token.label, tokenSerial: event.token.serial, pin: event.pin, purposes: running });
      await openPinPage(event.promptId);
    },
    closed(promptId) {
      open.delete(promptId);
    },
    info: known,
    async provide(promptId, pin) {
      known(promptId);
      const result = await channel.provide(promptId, pin);
      if (result.result === 'incorrect') {
        open.set(promptId, { ...known(promptId), pin: result.pin });
      } else {
        open.delete(promptId);
      }
      return result;
    },
    async cancel(promptId) {
      known(promptId);
      open.delete(promptId);
      await channel.cancel(promptId);
    },
  };
}
