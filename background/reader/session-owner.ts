import type { SenderClass } from '../sender';
import type { SessionOwner } from './reader';

/** The owner of reader results for a sender: a secure frame is bound to its tab and frame. */
export function sessionOwner(sender: SenderClass): SessionOwner {
  switch (sender.kind) {
    case 'extension-page':
      return 'extension';
    case 'secure-frame':
      return `frame:${sender.tabId}:${sender.frameId}`;
    case 'content-script':
      return `content:${sender.tabId}:${sender.frameId}`;
  }
}
