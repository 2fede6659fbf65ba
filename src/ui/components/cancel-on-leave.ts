/**
 * A prompt window (mail password, token PIN) closed with the browser's own close button
 * answers nothing, and the operation waiting for it would hang until the background or
 * the host gives up minutes later. Leaving the page while the request is unanswered
 * therefore counts as Cancel, so the page that asked says at once that nothing was done.
 */

/** The part of `window` this needs; `pagehide` also fires when the window is closed. */
export type LeaveTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;

export interface LeaveGuard {
  /** True while an answer (password or Cancel) is on its way; false again if it failed. */
  answering(on: boolean): void;
  dispose(): void;
}

export function cancelOnLeave(target: LeaveTarget, cancel: () => void): LeaveGuard {
  let answering = false;
  let cancelled = false;
  const leave = () => {
    if (answering || cancelled) return;
    cancelled = true;
    cancel();
  };
  target.addEventListener('pagehide', leave);
  return {
    answering(on) {
      answering = on;
    },
    dispose() {
      target.removeEventListener('pagehide', leave);
    },
  };
}
