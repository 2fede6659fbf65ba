/**
 * B7 names the recipients who could not read an encrypted message; B9 wants the reason
 * said plainly (an expired certificate is not the same problem as none at all). The
 * verdict under each recipient field says it too, but the warning and the error sit by
 * the Send button, often far below it, so they carry the reason as well.
 */
import type { RecipientView } from '../../../protocol/runtime';

/** "bob@example.test (the certificate expired on 2026-11-07); carol@example.test (not in your address book)". */
export function missingList(missing: readonly string[], views: ReadonlyMap<string, RecipientView>): string {
  return missing.map((entry) => {
    const detail = views.get(entry)?.detail;
    return detail ? `${entry} (${detail})` : entry;
  }).join('; ');
}
