/**
 * Runs one adapter on one document: scans when the page changes, and keeps Cachet's
 * reader and compose controls in step with what the adapter reports. Kept apart from
 * main.ts so tests drive it against saved page captures with a fake platform.
 */
import type { ComposeView, MessageView, WebmailAdapter } from './adapters/adapter';
import type { ContentPlatform } from './content-platform';
import { mountCompose } from './controls/compose-control';
import { createMountedViews } from './controls/mounted-views';
import { mountReader } from './controls/reader-control';
import { observePage } from './observer';

export interface PageController {
  /** Scans now; returns true when controls were added or removed. */
  scan(): boolean;
  stop(): void;
}

export function startPageController(adapter: WebmailAdapter, doc: Document, platform: ContentPlatform): PageController {
  const messages = createMountedViews<MessageView>((view) => mountReader(view, platform), (view) => view.anchor);
  const composes = createMountedViews<ComposeView>((view) => mountCompose(view, platform), (view) => view.editor);

  function scan(): boolean {
    let report;
    try {
      report = adapter.scan(doc);
    } catch {
      // An adapter that trips over an unusual page reports nothing; the page stays as it is.
      report = { messages: [], composes: [] };
    }
    const readers = messages.update(report.messages);
    const composers = composes.update(report.composes);
    return readers || composers;
  }

  // A selection in the webmail's list is seen on the user's own click or key, not after
  // the observer's pause: the source is fetched while the webmail loads its view.
  let lastSelected: string | undefined;
  let selectionTimer: ReturnType<typeof setTimeout> | undefined;
  function selectionChanged(): void {
    if (adapter.selectedSource === undefined || selectionTimer !== undefined) return;
    // After the webmail's own handlers of the same event have marked the selection.
    selectionTimer = setTimeout(() => {
      selectionTimer = undefined;
      let selected: string | undefined;
      try {
        selected = adapter.selectedSource?.(doc);
      } catch {
        selected = undefined;
      }
      const previous = lastSelected;
      lastSelected = selected;
      if (selected !== undefined && selected !== previous) platform.send('frame/prefetch-source', { sourceUrl: selected }).catch(() => undefined);
    }, 0);
  }
  const inputEvents = ['click', 'keyup'] as const;
  for (const type of inputEvents) doc.addEventListener(type, selectionChanged, { passive: true });

  scan();
  const observer = observePage(doc, scan);
  return {
    scan,
    stop() {
      observer.stop();
      for (const type of inputEvents) doc.removeEventListener(type, selectionChanged);
      if (selectionTimer !== undefined) clearTimeout(selectionTimer);
      messages.clear();
      composes.clear();
    },
  };
}
