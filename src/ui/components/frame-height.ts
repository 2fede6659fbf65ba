/**
 * A Cachet page framed in a webmail tells the content script that placed it how tall its
 * content is, so the frame fits the message (src/protocol/content-events.ts). Only the
 * number crosses; the target origin is unknown to the frame and nothing else is sent.
 */
import type { FrameSizeMessage } from '../../protocol/content-events';

export function reportFrameHeight(): void {
  if (window.top === window) return;
  let last = 0;
  const report = () => {
    // The body, not the document: the document is at least as tall as the frame, so it never shrinks.
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    const message: FrameSizeMessage = { cachetFrameHeight: height };
    window.parent.postMessage(message, '*');
  };
  new ResizeObserver(report).observe(document.body);
  report();
}
