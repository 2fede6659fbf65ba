/**
 * The one-time token a Cachet frame gets in its fragment from the content script that
 * placed it (background/reader-frames.ts, compose-frames.ts). Only a framed page has one.
 */
export function isFramed(): boolean {
  return window.top !== window;
}

/** The frame's token, or undefined for a page that is not framed or was framed without one. */
export function frameToken(): string | undefined {
  return isFramed() && location.hash.length > 1 ? location.hash.slice(1) : undefined;
}
