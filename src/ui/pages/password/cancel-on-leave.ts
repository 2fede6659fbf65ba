/**
 * A password window closed with the browser's own close button answers nothing, and the
 * send waiting for it would stay on "Sending…" until the background gives up minutes
 * later. Leaving the page while the request is unanswered therefore counts as Cancel, so
 * the compose frame says at once that nothing was sent.
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
