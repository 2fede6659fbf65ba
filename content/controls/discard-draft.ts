/**
 * Deletes the draft the webmail saved of its compose form once Cachet has sent the
 * message in its place, as the webmail does after its own send. The webmail may save the
 * form again while the deletion runs (its timer does not know Cachet sent), so the draft
 * is read once more afterwards and a newer one is deleted too. It never holds the user
 * back for long: a draft left over holds only what the webmail's form held, never the
 * text typed in Cachet's frame.
 */
import type { ComposeView } from '../adapters/adapter';
import type { ContentPlatform } from '../content-platform';

const limitMs = 10_000;
const maxDrafts = 3;

async function deleteDrafts(view: ComposeView, platform: ContentPlatform): Promise<void> {
  const deleted = new Set<string>();
  for (let i = 0; i < maxDrafts; i++) {
    const request = view.savedDraft?.();
    const key = request && JSON.stringify(request.form);
    if (request === undefined || key === undefined || deleted.has(key)) return;
    deleted.add(key);
    await platform.sendPageRequest(request);
  }
}

/** Resolves when the draft is gone, or could not be deleted, or after ten seconds. */
export async function discardSavedDraft(view: ComposeView, platform: ContentPlatform): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, limitMs);
  });
  try {
    await Promise.race([deleteDrafts(view, platform).catch(() => {}), late]);
  } finally {
    clearTimeout(timer);
  }
}
