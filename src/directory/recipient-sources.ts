/**
 * B6: one recipient's encryption certificate, from the sources in order, stopping at the
 * first certificate that is valid for encrypting to that recipient. The background's
 * compose and `cachet lookup` both call `lookUpRecipient`, so the two cannot disagree.
 *
 * A source gives its candidates in steps (the address book is one step; the directory is
 * a person's entries, then contacts', each attribute in the policy's order). Within a step
 * B1–B3 rank the candidates (src/pki/select-certificate.ts); they are then validated one
 * by one, best first (RFC 5280 path, revocation, trust, key usage and address: B9–B11),
 * and a valid one must be able to read an algorithm the policy allows (B8). Every
 * certificate passed over is kept with the reason, for the sender and for the CLI.
 */
import { acceptableAlgorithms, ENCRYPTION_ALGORITHM_OIDS } from '../cms/content-cipher-choice';
import { isCachetError } from '../errors';
import { certificateModel, matchingAddress, type CertificateModel } from '../pki/certificate-model';
import { parseCertificate } from '../pki/parsed-certificate';
import { selectCertificate, type RejectionReason } from '../pki/select-certificate';
import type { ValidationResult } from '../pki/validation-result';
import type { EncryptionAlgorithm, Policy } from '../policy';

export type SourceName = 'address-book' | 'directory';

/** Where a candidate came from: the address book, or one attribute of one directory entry. */
export type CertificateOrigin =
  | { readonly source: 'address-book' }
  | { readonly source: 'directory'; readonly kind: 'person' | 'contact'; readonly dn: string; readonly attribute: string };

export interface CandidateCertificate {
  readonly der: Uint8Array;
  readonly origin: CertificateOrigin;
  /** Other addresses of the certificate's holder (B1): the addresses of the directory entry that held it. */
  readonly aliases: readonly string[];
  /** CA certificates that came with it (the same directory entry), for building its path. */
  readonly intermediates: readonly Uint8Array[];
  /** Content-encryption OIDs the holder announced in SMIMECapabilities (B8), or null when unknown. */
  readonly capabilities: readonly string[] | null;
}

/** What one source holds for an address: its steps in order, and anything worth saying about the answer. */
export interface SourceFinding {
  readonly steps: readonly (readonly CandidateCertificate[])[];
  readonly notes: readonly string[];
}

export interface RecipientSource {
  readonly name: SourceName;
  /** Throws when the source cannot answer; the look-up goes on with the next source. */
  find(address: string): Promise<SourceFinding>;
}

/** Selection's reasons (B1–B3), a certificate that does not decode, and one the holder cannot read with the policy's algorithms (B8). */
export type SkipReason = RejectionReason | 'malformed' | 'algorithm';

export type Verdict =
  | { readonly outcome: 'chosen'; readonly matchedAddress: string; readonly algorithms: readonly EncryptionAlgorithm[]; readonly warnings: readonly string[] }
  | { readonly outcome: 'skipped'; readonly reason: SkipReason; readonly detail: string }
  /** Found, but a certificate before it was chosen first. */
  | { readonly outcome: 'not-tried' };

export interface ConsideredCertificate {
  readonly candidate: CandidateCertificate;
  /** Undefined when the certificate cannot be decoded. */
  readonly model: CertificateModel | undefined;
  readonly verdict: Verdict;
  /** The validation's result, for the candidates that were validated. */
  readonly validation?: ValidationResult;
}

export interface SourceReport {
  readonly name: SourceName;
  /** `not-asked`: a source before it already gave a valid certificate. */
  readonly state: 'answered' | 'failed' | 'not-asked';
  readonly found: number;
  readonly error?: { readonly code: string | undefined; readonly message: string };
  readonly notes: readonly string[];
}

export interface RecipientLookup {
  readonly address: string;
  /** The certificate to encrypt to, when one fitted. */
  readonly chosen: (ConsideredCertificate & { readonly verdict: Extract<Verdict, { outcome: 'chosen' }> }) | undefined;
  /** Every certificate the sources gave, in the order B6 looks at them. */
  readonly considered: readonly ConsideredCertificate[];
  readonly sources: readonly SourceReport[];
}

/** Validates one candidate for encrypting to `email` (the address of it that matched). */
export type CandidateValidator = (candidate: CandidateCertificate, email: string) => Promise<ValidationResult>;

export interface LookupOptions {
  readonly sources: readonly RecipientSource[];
  readonly validate: CandidateValidator;
  readonly policy: Pick<Policy, 'certMatchingDoNotUseProxies' | 'encryptionAlgorithms'>;
  readonly time: Date;
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

function rejectionDetail(reason: RejectionReason, model: CertificateModel, time: Date): string {
  switch (reason) {
    case 'outside-validity':
      return time < model.notBefore ? `the certificate is not valid before ${day(model.notBefore)}` : `the certificate expired on ${day(model.notAfter)}`;
    case 'wrong-usage':
      return 'the certificate is not meant for encrypting e-mail (key usage or extended key usage)';
    case 'invalid':
      return 'the certificate did not pass validation';
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

/** B8 in words: what the holder can read against what the policy allows. */
function algorithmDetail(capabilities: readonly string[] | null, allowed: readonly EncryptionAlgorithm[]): string {
  const announced = capabilities === null
    ? 'never announced which algorithms it reads, so only CBC can be assumed'
    : `announced ${algorithmNames(capabilities)}`;
  return `the holder's mail program ${announced}; your policy allows ${allowed.join(', ')}`;
}

function parsed(candidate: CandidateCertificate): CertificateModel | undefined {
  try {
    return certificateModel(parseCertificate(candidate.der));
  } catch {
    return undefined;
  }
}

/** The address of the certificate that matched: the recipient's own, else one of the holder's others (B1). */
function matchedAddressOf(model: CertificateModel, address: string, candidate: CandidateCertificate, useAliases: boolean): string {
  if (matchingAddress(model, address) !== undefined || !useAliases) return address;
  return candidate.aliases.find((alias) => matchingAddress(model, alias) !== undefined) ?? address;
}

/** A typed error's words; anything else is a fault whose text means nothing to the sender. */
function failureDetail(error: unknown): string {
  return isCachetError(error) ? error.message : 'the certificate could not be validated';
}

/** One step: rank by B1–B3, then validate best first until one fits (B9–B11, B8). */
async function tryStep(
  address: string, step: readonly CandidateCertificate[], options: LookupOptions, considered: ConsideredCertificate[],
): Promise<ConsideredCertificate | undefined> {
  const byModel = new Map<CertificateModel, CandidateCertificate>();
  for (const candidate of step) {
    const model = parsed(candidate);
    if (model === undefined) {
      considered.push({ candidate, model, verdict: { outcome: 'skipped', reason: 'malformed', detail: 'the certificate cannot be decoded' } });
    } else byModel.set(model, candidate);
  }
  const useAliases = !options.policy.certMatchingDoNotUseProxies;
  const selection = await selectCertificate([...byModel.keys()], {
    purpose: 'encrypt',
    address,
    time: options.time,
    policy: { certMatchingDoNotUseProxies: options.policy.certMatchingDoNotUseProxies, smartCardOnly: false },
    aliasesOf: (model) => byModel.get(model)?.aliases ?? [],
  });
  const verdicts = new Map<CertificateModel, Omit<ConsideredCertificate, 'candidate' | 'model'>>();
  for (const { model, reason } of selection.rejected) {
    verdicts.set(model, { verdict: { outcome: 'skipped', reason, detail: rejectionDetail(reason, model, options.time) } });
  }
  let chosen: CertificateModel | undefined;
  for (const model of selection.ranked) {
    const candidate = byModel.get(model) as CandidateCertificate;
    if (chosen !== undefined) {
      verdicts.set(model, { verdict: { outcome: 'not-tried' } });
      continue;
    }
    const email = matchedAddressOf(model, address, candidate, useAliases);
    let validation: ValidationResult;
    try {
      validation = await options.validate(candidate, email);
    } catch (error) {
      // Validation reports bad input as results; anything thrown still only disqualifies this certificate.
      verdicts.set(model, { verdict: { outcome: 'skipped', reason: 'invalid', detail: failureDetail(error) } });
      continue;
    }
    if (!validation.valid) {
      const detail = validation.errors.map((e) => e.message).join('; ') || 'the certificate did not pass validation';
      verdicts.set(model, { verdict: { outcome: 'skipped', reason: 'invalid', detail }, validation });
      continue;
    }
    const algorithms = acceptableAlgorithms(options.policy.encryptionAlgorithms, candidate.capabilities);
    if (algorithms.length === 0) {
      const detail = algorithmDetail(candidate.capabilities, options.policy.encryptionAlgorithms);
      verdicts.set(model, { verdict: { outcome: 'skipped', reason: 'algorithm', detail }, validation });
      continue;
    }
    chosen = model;
    const warnings = validation.warnings.map((w) => w.message);
    verdicts.set(model, { verdict: { outcome: 'chosen', matchedAddress: email, algorithms, warnings }, validation });
  }
  let result: ConsideredCertificate | undefined;
  // Reported in the order the source gave them, so the CLI lists them as the directory holds them.
  for (const [model, candidate] of byModel) {
    const entry = { candidate, model, ...(verdicts.get(model) ?? { verdict: { outcome: 'not-tried' as const } }) };
    considered.push(entry);
    if (model === chosen) result = entry;
  }
  return result;
}

export async function lookUpRecipient(address: string, options: LookupOptions): Promise<RecipientLookup> {
  const considered: ConsideredCertificate[] = [];
  const sources: SourceReport[] = [];
  let chosen: ConsideredCertificate | undefined;
  for (const source of options.sources) {
    if (chosen !== undefined) {
      sources.push({ name: source.name, state: 'not-asked', found: 0, notes: [] });
      continue;
    }
    let finding: SourceFinding;
    try {
      finding = await source.find(address);
    } catch (error) {
      const message = isCachetError(error) || error instanceof Error ? error.message : String(error);
      sources.push({ name: source.name, state: 'failed', found: 0, error: { code: isCachetError(error) ? error.code : undefined, message }, notes: [] });
      continue;
    }
    sources.push({ name: source.name, state: 'answered', found: finding.steps.reduce((n, step) => n + step.length, 0), notes: finding.notes });
    for (const step of finding.steps) {
      if (chosen !== undefined) {
        for (const candidate of step) considered.push({ candidate, model: parsed(candidate), verdict: { outcome: 'not-tried' } });
        continue;
      }
      chosen = await tryStep(address, step, options, considered);
    }
  }
  return { address, chosen: chosen as RecipientLookup['chosen'], considered, sources };
}
