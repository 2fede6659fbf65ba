/**
 * One banner per signer (B13): the signature verdict at once, the certificate verdict
 * when validation ends. A good signature by someone other than the sender is a warning,
 * never "signed by the sender". A bare smime.p7m names no sender (fromMatches null): its
 * signer is shown as who signed, neither as the sender nor as someone else.
 */
import type { SignerValidationView, SignerView } from '../../../protocol/runtime';
import type { Translate } from '../../platform';

export type BannerVerdict = 'good' | 'warning' | 'bad' | 'pending';

export function bannerVerdict(signer: SignerView, validation: SignerValidationView | undefined): BannerVerdict {
  if (signer.status !== 'good') return 'bad';
  if (!validation) return 'pending';
  if (!validation.valid) return 'bad';
  return signer.fromMatches === false ? 'warning' : 'good';
}

function who(signer: SignerView): string {
  const address = signer.addresses[0];
  if (signer.name && address) return `${signer.name} <${address}>`;
  return signer.name || address || '?';
}

export function SignerBanner({ signer, validation, from, t }: {
  signer: SignerView;
  validation: SignerValidationView | undefined;
  from: string;
  t: Translate;
}) {
  const verdict = bannerVerdict(signer, validation);
  let headline: string;
  if (signer.status !== 'good') headline = t('readerSignatureBad', signer.reason ?? signer.status);
  else if (!validation) headline = t('readerSignatureChecking', who(signer));
  else if (!validation.valid) headline = t('readerCertificateInvalid', [who(signer), validation.reason ?? '']);
  else if (signer.fromMatches === false) headline = t('readerSignerNotSender', [who(signer), from]);
  else if (signer.fromMatches === null) headline = t('readerSignedByNoSender', who(signer));
  else headline = t('readerSignedBy', who(signer));
  return (
    <section class={`banner banner-${verdict}`} data-verdict={verdict} data-status={signer.status} aria-label={t('readerSignatureLabel')}>
      <p class="banner-headline"><strong>{headline}</strong></p>
      <dl class="banner-details">
        <dt>{t('readerIssuer')}</dt><dd>{signer.issuer || '—'}</dd>
        <dt>{t('readerValidity')}</dt><dd>{signer.notBefore ? `${signer.notBefore.slice(0, 10)} – ${signer.notAfter.slice(0, 10)}` : '—'}</dd>
        {signer.signingTime && <><dt>{t('readerSigningTime')}</dt><dd>{signer.signingTime}</dd></>}
        {validation && !validation.valid && validation.errors.length > 0 && <><dt>{t('readerWhyNotValid')}</dt><dd>{validation.errors.join('; ')}</dd></>}
      </dl>
    </section>
  );
}
