/**
 * Whether a reader shows a signer as good (B13). A signature that checks out is not yet a
 * good signature for this message: as in Thunderbird (mimecms.cpp), the signer must be the
 * sender (an address of the certificate is the From, or the Sender when there is no From;
 * B1 comparison), must have signed about when the message is dated (within an hour, so an
 * old signature cannot be replayed under a new date), and the certificate must chain to a
 * trusted root (B11) and allow signing e-mail. Checks run in that order and the first that
 * fails names the status.
 */
import type { SignerVerification } from '../../../src/cms/signed-data-verify';
import type { SignedLayer } from '../../../src/cms/smime-verify';
import type { ValidationOptions } from '../../../src/pki/certificate-validator';
import { certificateModel } from '../../../src/pki/certificate-model';
import { parseCertificate } from '../../../src/pki/parsed-certificate';
import { verifyMessageSignatures } from '../../../src/pki/signature-status';
import type { ValidationResult } from '../../../src/pki/validation-result';

export type VerdictStatus = SignerVerification['status'] | 'from-mismatch' | 'untrusted' | 'wrong-usage';

export interface SignerVerdict {
  readonly status: VerdictStatus;
  readonly reason?: string;
  /** The certificate address that matched the sender, else the certificate's first one. */
  readonly address: string | undefined;
  readonly signature: SignerVerification;
  /** Null when there is no sender to compare with (a bare smime.p7m). */
  readonly fromMatches: boolean | null;
  readonly trust: ValidationResult;
}

/** The header fields of the message a signed layer belongs to, as received. */
export interface SenderHeaders {
  readonly from: string | undefined;
  readonly date: string | undefined;
}

function maySignMail(der: Uint8Array | undefined): boolean {
  if (!der) return false;
  try {
    return certificateModel(parseCertificate(der)).canSign;
  } catch {
    return false;
  }
}

/**
 * `sender` undefined: the layer came without header fields (a bare smime.p7m), so there is
 * no sender the signer could fail to be; the other checks decide alone, and the verdict
 * says the comparison was not made rather than that it failed.
 */
export async function judgeSigners(layer: SignedLayer, sender: SenderHeaders | undefined, options: ValidationOptions): Promise<SignerVerdict[]> {
  const statuses = verifyMessageSignatures(
    layer.signers,
    { from: sender?.from, certificates: layer.verification?.certificates ?? [], crls: layer.verification?.crls ?? [] },
    options,
  );
  const verdicts: SignerVerdict[] = [];
  for (const { signature, fromMatches, validation } of statuses) {
    const trust = await validation;
    const addresses = fromMatches.certificateAddresses;
    const matched = fromMatches.matches ? fromMatches.from : undefined;
    const base = { address: matched ?? addresses[0], signature, fromMatches: sender ? fromMatches.matches : null, trust };
    let verdict: Pick<SignerVerdict, 'status' | 'reason'>;
    // A signing time far from the Date was already made 'signing-time-mismatch' by readMessage.
    if (signature.status !== 'good') verdict = { status: signature.status, ...(signature.reason ? { reason: signature.reason } : {}) };
    else if (sender && !fromMatches.matches) {
      const signer = addresses.length > 0 ? addresses.join(', ') : 'a certificate without an e-mail address';
      verdict = { status: 'from-mismatch', reason: `signed by ${signer}, but the message is from ${fromMatches.from ?? 'nobody (no From)'}` };
    } else if (!trust.valid) {
      verdict = { status: 'untrusted', reason: `${trust.reason ?? 'invalid'}: ${trust.errors[0]?.message ?? 'the certificate is not valid'}` };
    } else if (!maySignMail(signature.certificate)) {
      verdict = { status: 'wrong-usage', reason: 'the certificate may not sign e-mail (key usage or extended key usage)' };
    } else verdict = { status: 'good' };
    verdicts.push({ ...verdict, ...base });
  }
  return verdicts;
}
