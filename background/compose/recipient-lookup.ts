/**
 * One recipient's encryption certificate (B6 step 1, the address book): the stored
 * certificates for the address are chosen among by B1–B3, each candidate is validated
 * for encryption to that address (RFC 5280 path, revocation, trust: B9–B11) before it
 * may be chosen, and the one chosen must be able to read an algorithm the policy allows
 * (B8). The directory steps of B6 will come after this one.
 */
import { acceptableAlgorithms, ENCRYPTION_ALGORITHM_OIDS } from '../../src/cms/content-cipher-choice';
import { isCachetError } from '../../src/errors';
import { parseMailbox } from '../../src/mime/mailbox-list';
import { certificateModel, type CertificateModel } from '../../src/pki/certificate-model';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { selectCertificate, type RejectionReason } from '../../src/pki/select-certificate';
import type { EncryptionAlgorithm, Policy } from '../../src/policy';
import type { RecipientView } from '../../src/protocol/runtime';
import type { AddressBook } from '../address-book/address-book';
import type { StoredCertificate } from '../address-book/certificate-db';
import { summaryOnly } from '../address-book/certificate-summary';
import type { CertificateValidation } from '../pki/certificate-validation';
import { OID_RSAES_OAEP } from '../../src/cms/oids';
import type { KeyTransportChoice } from '../../src/cms/recipient-info-ktri';

export interface ResolvedRecipient {
  readonly view: RecipientView;
  /** DER of the certificate to encrypt to; present exactly when the state is 'ok'. */
  readonly certificate?: Uint8Array;
  /** The allowed algorithms this recipient can read, in policy order (B8). */
  readonly algorithms: readonly EncryptionAlgorithm[];
  /**
   * RSAES-OAEP when the holder announced it in SMIMECapabilities (DESIGN.md, Choices),
   * else absent (RSAES-PKCS1-v1_5). The address book keeps the announced OIDs, not their
   * parameters, so OAEP is written with RFC 4055's default parameters (SHA-1, MGF1-SHA-1),
   * which every OAEP implementation reads.
   */
  readonly keyTransport?: KeyTransportChoice;
}

function announcedKeyTransport(capabilities: readonly string[] | null): KeyTransportChoice | undefined {
  return capabilities?.includes(OID_RSAES_OAEP) ? { name: 'RSA-OAEP', hash: 'SHA-1' } : undefined;
}

export interface LookupContext {
  readonly addressBook: AddressBook;
  readonly validation: CertificateValidation;
  readonly policy: Policy;
  readonly now: Date;
}

/** The worst rejection is the most telling: a certificate that failed validation says more than one for another address. */
const rejectionRank: readonly RejectionReason[] = ['invalid', 'outside-validity', 'wrong-usage', 'not-on-token', 'no-address-match'];

const day = (date: Date): string => date.toISOString().slice(0, 10);

function rejectionDetail(reason: RejectionReason, model: CertificateModel, failure: string | undefined, now: Date): string {
  switch (reason) {
    case 'invalid':
      return failure || 'the certificate did not pass validation';
    case 'outside-validity':
      return now < model.notBefore ? `the certificate is not valid before ${day(model.notBefore)}` : `the certificate expired on ${day(model.notAfter)}`;
    case 'wrong-usage':
      return 'the certificate is not meant for encrypting e-mail (key usage or extended key usage)';
    case 'not-on-token':
    case 'no-address-match':
      return 'the certificate does not carry this address';
  }
}

function algorithmNames(oids: readonly string[]): string {
  const names = (Object.entries(ENCRYPTION_ALGORITHM_OIDS) as [EncryptionAlgorithm, string][])
    .filter(([, oid]) => oids.includes(oid))
    .map(([name]) => name);
  return names.length > 0 ? names.join(', ') : 'none Cachet writes';
}

export async function resolveRecipient(typed: string, context: LookupContext): Promise<ResolvedRecipient> {
  let address: string;
  try {
    address = parseMailbox(typed).address;
  } catch (error) {
    const detail = isCachetError(error) ? error.message : 'not an e-mail address';
    return { view: { address: typed, state: 'none', detail }, algorithms: [] };
  }
  const none = (detail: string): ResolvedRecipient => ({ view: { address: typed, state: 'none', detail }, algorithms: [] });

  const stored = await context.addressBook.lookup(address);
  const records = new Map<CertificateModel, StoredCertificate>();
  for (const record of stored) {
    try {
      records.set(certificateModel(parseCertificate(record.der)), record);
    } catch {
      // A record that no longer parses cannot be encrypted to; the others may still serve.
    }
  }
  if (records.size === 0) return none('not in your address book');

  /** Why validation refused a candidate, for the sender (B9–B11). */
  const failures = new Map<CertificateModel, string>();
  const { policy } = context;
  const selection = await selectCertificate([...records.keys()], {
    purpose: 'encrypt',
    address,
    time: context.now,
    policy: { certMatchingDoNotUseProxies: policy.certMatchingDoNotUseProxies, smartCardOnly: policy.smartCardOnly },
    isUsable: async (model) => {
      const der = records.get(model)?.der;
      if (der === undefined) return false;
      try {
        const result = await context.validation.validate(der, { purpose: 'encrypt', email: address, time: context.now });
        if (!result.valid) failures.set(model, result.errors.map((e) => e.message).join('; '));
        return result.valid;
      } catch (error) {
        // Validation reports bad input as results; anything thrown still only disqualifies this certificate.
        failures.set(model, isCachetError(error) ? error.message : 'the certificate could not be validated');
        return false;
      }
    },
  });

  const found = (model: CertificateModel) => {
    const record = records.get(model) as StoredCertificate;
    return { record, base: { address: typed, source: 'address-book' as const, certificate: summaryOnly(record) } };
  };

  for (const model of selection.ranked) {
    const { record, base } = found(model);
    const algorithms = acceptableAlgorithms(policy.encryptionAlgorithms, record.capabilities);
    if (algorithms.length > 0) {
      const keyTransport = announcedKeyTransport(record.capabilities);
      return { view: { ...base, state: 'ok' }, certificate: record.der, algorithms, ...(keyTransport ? { keyTransport } : {}) };
    }
  }
  const first = selection.ranked[0];
  if (first !== undefined) {
    // B8: every usable certificate's holder announced only algorithms the policy does not allow.
    const { record, base } = found(first);
    const announced = record.capabilities === null
      ? 'never announced which algorithms it reads, so only CBC can be assumed'
      : `announced ${algorithmNames(record.capabilities)}`;
    const detail = `the holder's mail program ${announced}; your policy allows ${policy.encryptionAlgorithms.join(', ')}`;
    return { view: { ...base, state: 'algorithm', detail }, algorithms: [] };
  }

  const worst = [...selection.rejected].sort((a, b) => rejectionRank.indexOf(a.reason) - rejectionRank.indexOf(b.reason))[0];
  if (worst === undefined) return none('not in your address book');
  const { base } = found(worst.model);
  const detail = rejectionDetail(worst.reason, worst.model, failures.get(worst.model), context.now);
  return { view: { ...base, state: 'invalid', detail }, algorithms: [] };
}
