/**
 * One banner per signer (B13): the signature verdict at once, the certificate verdict
 * when validation ends, both judged by src/smime/signer-verdict.ts as the command line
 * judges them. A good signature by someone other than the sender is a warning, never
 * "signed by the sender". A bare smime.p7m names no sender (fromMatches null): its
 * signer is shown as who signed, neither as the sender nor as someone else.
 */
import type { AuthorView, SignerValidationView, SignerView } from '../../../protocol/runtime';
import { signerVerdict, type SignerVerdict } from '../../../smime/signer-verdict';
import type { Translate } from '../../platform';

export function bannerVerdict(signer: SignerView, validation: SignerValidationView | undefined): SignerVerdict {
  return signerVerdict({ signature: signer, authorMatch: { matches: signer.fromMatches }, validation });
}

function who(signer: SignerView): string {
  const address = signer.addresses[0];
  if (signer.name && address) return `${signer.name} <${address}>`;
  return signer.name || address || '?';
}

function headlineOf(verdict: SignerVerdict, signer: SignerView, validation: SignerValidationView | undefined, author: AuthorView | null, t: Translate): string {
  switch (verdict.status) {
    case 'good':
      return signer.fromMatches === null ? t('readerSignedByNoSender', who(signer)) : t('readerSignedBy', who(signer));
    case 'pending':
      return t('readerSignatureChecking', who(signer));
    case 'untrusted':
    case 'wrong-usage':
      return t('readerCertificateInvalid', [who(signer), validation?.reason ?? '']);
    case 'from-mismatch':
      return author?.address ? t('readerSignerNotSender', [who(signer), author.address]) : t('readerSignerNoSingleSender', [who(signer), author?.problem ?? '']);
    default:
      return t('readerSignatureBad', signer.reason ?? signer.status);
  }
}

/**
 * The signer's claimed signing time as the reader's own clock and language show a time
 * (`<time>` keeps the exact instant for assistive technology and copying); a value that
 * is no time is shown as it came.
 */
export function SigningTime({ iso }: { iso: string }) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return <>{iso}</>;
  return <time dateTime={when.toISOString()}>{new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' }).format(when)}</time>;
}

export function SignerBanner({ signer, validation, author, t }: {
  signer: SignerView;
  validation: SignerValidationView | undefined;
  author: AuthorView | null;
  t: Translate;
}) {
  const verdict = bannerVerdict(signer, validation);
  const headline = headlineOf(verdict, signer, validation, author, t);
  return (
    <section class={`banner banner-${verdict.tone}`} data-verdict={verdict.tone} data-status={verdict.status} aria-label={t('readerSignatureLabel')}>
      <p class="banner-headline"><strong>{headline}</strong></p>
      <dl class="banner-details">
        <dt>{t('readerIssuer')}</dt><dd>{signer.issuer || '—'}</dd>
        <dt>{t('readerValidity')}</dt><dd>{signer.notBefore ? `${signer.notBefore.slice(0, 10)} – ${signer.notAfter.slice(0, 10)}` : '—'}</dd>
        {signer.signingTime && <><dt>{t('readerSigningTime')}</dt><dd><SigningTime iso={signer.signingTime} /></dd></>}
        {validation && !validation.valid && validation.errors.length > 0 && <><dt>{t('readerWhyNotValid')}</dt><dd>{validation.errors.join('; ')}</dd></>}
      </dl>
    </section>
  );
}
