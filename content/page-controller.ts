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

  scan();
  const observer = observePage(doc, scan);
  return {
    scan,
    stop() {
      observer.stop();
      messages.clear();
      composes.clear();
    },
  };
}
