/**
 * What the background tells a webmail tab's content script, and what Cachet's framed
 * pages tell the content script that placed them. Both arrive from outside the content
 * script, so both are checked here before anything acts on them.
 */

/** Background → content script, through `tabs.sendMessage` to the frame that asked. */
export type ContentEvent =
  /** The compose frame in `slot` sent its message: leave the webmail's compose form. */
  | { readonly cachetEvent: 'compose/sent'; readonly slot: string }
  /** The user closed the compose frame in `slot` without sending: give the editor back. */
  | { readonly cachetEvent: 'compose/closed'; readonly slot: string };

const slotForm = /^[A-Za-z0-9_-]{1,64}$/;

export function parseContentEvent(raw: unknown): ContentEvent | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { cachetEvent, slot } = raw as { cachetEvent?: unknown; slot?: unknown };
  if (typeof slot !== 'string' || !slotForm.test(slot)) return undefined;
  if (cachetEvent === 'compose/sent' || cachetEvent === 'compose/closed') return { cachetEvent, slot };
  return undefined;
}

/**
 * A framed Cachet page → its parent window: the height its content needs, so the frame
 * fits the message instead of scrolling inside a fixed box. Only a number crosses, which
 * the size of the ciphertext already tells the page.
 */
export interface FrameSizeMessage {
  readonly cachetFrameHeight: number;
}

/** Heights outside this range are clamped: a frame may neither vanish nor swallow the page. */
export const minFrameHeight = 120;
export const maxFrameHeight = 20_000;

export function parseFrameHeight(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const height = (raw as { cachetFrameHeight?: unknown }).cachetFrameHeight;
  if (typeof height !== 'number' || !Number.isFinite(height)) return undefined;
  return Math.min(maxFrameHeight, Math.max(minFrameHeight, Math.ceil(height)));
}
