/**
 * Styles inside the shadow roots. They follow the system's light or dark scheme, as
 * Cachet's own pages do, and use the page's font so the controls sit well in any webmail.
 */
export const controlStyles = `
:host { all: initial; display: block; font: 14px/1.4 system-ui, sans-serif; color: #1d2430; }
:host([data-cachet="compose-button"]) { display: inline-block; vertical-align: middle; margin: 0 .5rem; }
.bar { display: flex; align-items: center; gap: .6rem; padding: .45rem .75rem; border: 1px solid #c9d3e0;
  border-radius: .5rem .5rem 0 0; background: #f2f6fb; font-size: 13px; }
.bar .brand { font-weight: 600; color: #1f4f8f; display: inline-flex; align-items: center; gap: .35rem; }
.bar .status { color: #475569; flex: 1; }
.bar .status.error { color: #a61b1b; }
button { font: inherit; cursor: pointer; border-radius: .45rem; border: 1px solid #1f4f8f; padding: .35rem .8rem;
  background: #1f4f8f; color: #fff; display: inline-flex; align-items: center; gap: .35rem; }
button.quiet { background: transparent; color: #1f4f8f; }
button:focus-visible { outline: 3px solid #7aa7e6; outline-offset: 2px; }
iframe { display: block; width: 100%; height: 240px; border: 1px solid #c9d3e0; border-top: 0;
  border-radius: 0 0 .5rem .5rem; background: #fff; color-scheme: normal; }
.lock { width: 1em; height: 1em; fill: currentColor; }
@media (prefers-color-scheme: dark) {
  :host { color: #e3e8ef; }
  .bar { background: #1c2533; border-color: #3a4a60; }
  .bar .brand { color: #9cc2ff; }
  .bar .status { color: #b3bfcf; }
  .bar .status.error { color: #ff9b9b; }
  button { background: #3a6fc0; border-color: #3a6fc0; }
  button.quiet { background: transparent; color: #9cc2ff; border-color: #5b83c4; }
  iframe { border-color: #3a4a60; background: #141a23; }
}
`;

/** A padlock drawn inline: the content script ships no image files. */
export const lockIcon = '<svg class="lock" viewBox="0 0 16 16" aria-hidden="true"><path d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v6A1.5 1.5 0 0 1 12.5 16h-9A1.5 1.5 0 0 1 2 14.5v-6A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z"/></svg>';
