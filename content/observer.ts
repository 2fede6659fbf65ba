/**
 * One debounced MutationObserver drives every adapter (STYLE.md: one observer, shared
 * controls). Changes made only inside Cachet's own controls are ignored, so a frame that
 * resizes or a status line that updates never causes a new scan of the page.
 */
import { isInsideControl } from './controls/control-host';

export interface PageObserver {
  stop(): void;
}

const debounceMs = 150;

function relevant(records: readonly MutationRecord[]): boolean {
  return records.some((record) => {
    if (isInsideControl(record.target)) return false;
    if (record.type !== 'childList') return true;
    // Adding or removing our own host counts as ours too.
    const nodes = [...record.addedNodes, ...record.removedNodes];
    return nodes.length === 0 || nodes.some((node) => !(node.nodeType === 1 && (node as Element).hasAttribute('data-cachet')));
  });
}

export function observePage(doc: Document, onChange: () => void): PageObserver {
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The document's own window: in a frame of the webmail, that frame's.
  const Observer = doc.defaultView?.MutationObserver ?? MutationObserver;
  const observer = new Observer((records) => {
    if (!relevant(records)) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
  });
  // Attributes matter too: webmails show and hide views by class and style.
  observer.observe(doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'hidden', 'href'] });
  return {
    stop() {
      observer.disconnect();
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
