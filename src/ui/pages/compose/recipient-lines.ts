/**
 * What compose says under each recipient (B6–B8): a first line with the verdict (where the
 * certificate came from, or why none can be used), then any warning the certificate is
 * used despite (B10 `checkCrl`), every certificate passed over with its source and
 * reason, and the sources that could not be searched.
 */
import type { RecipientView, SkippedCertificateView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';
import { maxEntryLength } from './use-recipient-status';

export interface RecipientLine {
  readonly text: string;
  readonly good: boolean;
}

export interface RecipientLines {
  /** Undefined while the background has not answered. */
  readonly status: RecipientLine | undefined;
  readonly details: readonly RecipientLine[];
}

function verdict(entry: string, view: RecipientView, t: Translate): RecipientLine {
  const detail = view.detail ?? '';
  const fromDirectory = view.source === 'directory';
  switch (view.state) {
    case 'ok': {
      const subject = view.certificate?.subject ?? '';
      const until = view.certificate?.notAfter.slice(0, 10) ?? '';
      if (view.entry === undefined) return { text: t('composeCertOk', [entry, subject, until]), good: true };
      return { text: t(view.entry.kind === 'person' ? 'composeCertOkPerson' : 'composeCertOkContact', [entry, view.entry.dn, subject, until]), good: true };
    }
    case 'none':
      return { text: t('composeCertNone', [entry, detail]), good: false };
    case 'invalid':
      return { text: t(fromDirectory ? 'composeCertInvalidDirectory' : 'composeCertInvalid', [entry, detail]), good: false };
    case 'algorithm':
      return { text: t(fromDirectory ? 'composeCertAlgorithmDirectory' : 'composeCertAlgorithm', [entry, detail]), good: false };
  }
}

function sourceText(skipped: SkippedCertificateView, t: Translate): string {
  if (skipped.entry === undefined) return t('composeSourceAddressBook');
  return t(skipped.entry.kind === 'person' ? 'composeSourcePerson' : 'composeSourceContact', skipped.entry.dn);
}

export function recipientLines(entry: string, view: RecipientView | undefined, t: Translate): RecipientLines {
  if (entry.length > maxEntryLength) return { status: { text: t('composeBadAddress', entry.slice(0, 40)), good: false }, details: [] };
  if (view === undefined) return { status: undefined, details: [] };
  const details: RecipientLine[] = [];
  for (const warning of view.warnings ?? []) details.push({ text: t('composeCertWarning', [entry, warning]), good: false });
  const skipped = view.skipped ?? [];
  // A lone certificate passed over is the one the verdict already explains.
  if (view.state === 'ok' || skipped.length > 1) {
    for (const s of skipped) {
      details.push({ text: t('composeCertSkipped', [s.subject || t('composeCertSkippedUnreadable'), sourceText(s, t), s.reason]), good: false });
    }
  }
  // With no certificate at all, the verdict already says why each source had none.
  if (view.state !== 'none') for (const problem of view.unavailable ?? []) details.push({ text: t('composeSourceUnavailable', problem), good: false });
  return { status: verdict(entry, view, t), details };
}
