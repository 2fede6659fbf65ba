import { buildPaths, DEFAULT_BUILD_LIMITS, type BuildLimits, type IssuerSource } from './build-paths';
import { checkCrls, type RevocationStatus } from './crl-check';
import { formatName, namesEqual } from './distinguished-name';
import { KeyUsageBit } from './extension-decoders';
import type { ParsedCertificate } from './parsed-certificate';
import type { ParsedCrl } from './parsed-crl';
import type { SignatureVerifier, WorkingPublicKey } from './signature-verify';
import { DEFAULT_POLICY_INPUTS, validatePath, type PathIssuer, type PolicyInputs, type TrustAnchor } from './validate-path';
import { issue, type ValidationIssue, type ValidationResult } from './validation-result';

/**
 * How revocation is checked (BEHAVIOURS.md B10):
 * - `require`: a certificate whose status cannot be established is invalid (RFC 5280 §6.3
 *   strictness, and what PKITS expects);
 * - `best-effort`: the default; an unknown status lets the certificate be used, silently or
 *   with a `revocation-unknown` warning when `reportUnknownRevocation` (`checkCrl`) is set;
 * - `off`: `disableCrlCheck`.
 * A revoked certificate is invalid in every mode except `off`.
 */
export type RevocationMode = 'require' | 'best-effort' | 'off';

/** Network-backed revocation and issuer sources (implemented over an injected fetcher). */
export interface ValidationSources {
  /** CRLs from the certificate's distribution points (and freshest CRL pointers). */
  readonly crlsFor?: (cert: ParsedCertificate) => Promise<readonly ParsedCrl[]>;
  /** OCSP status where the certificate names a responder; undefined when not answered. */
  readonly ocsp?: (cert: ParsedCertificate, issuer: PathIssuer) => Promise<RevocationStatus | undefined>;
  /** Issuers from AIA caIssuers when the pool has none. */
  readonly issuers?: IssuerSource;
}

export interface ValidationOptions {
  readonly verifier: SignatureVerifier;
  readonly anchors: readonly TrustAnchor[];
  /** Intermediates and cross-certificates: from the message, the local store, … */
  readonly intermediates?: readonly ParsedCertificate[];
  /** Certificates marked untrusted by the user or the admin (B11). */
  readonly untrusted?: readonly ParsedCertificate[];
  /** Foreign end-entity certificates trusted one by one, without their root (B11's narrow trust). */
  readonly trustedCertificates?: readonly ParsedCertificate[];
  readonly time?: Date;
  readonly crls?: readonly ParsedCrl[];
  readonly policy?: PolicyInputs;
  readonly revocation?: RevocationMode;
  readonly reportUnknownRevocation?: boolean;
  readonly useDeltaCrls?: boolean;
  readonly sources?: ValidationSources;
  readonly limits?: BuildLimits;
}

const MAX_SIGNER_DEPTH = 4;

interface RunState {
  readonly options: ValidationOptions;
  readonly time: Date;
  readonly pool: ParsedCertificate[];
  readonly untrustedIds: ReadonlySet<string>;
  readonly inProgress: Set<string>;
  readonly signerCache: Map<string, Promise<WorkingPublicKey | undefined>>;
  readonly crlCache: Map<string, Promise<readonly ParsedCrl[]>>;
}

function result(valid: boolean, errors: ValidationIssue[], warnings: ValidationIssue[], path: readonly ParsedCertificate[], anchor: TrustAnchor | undefined, policies: readonly string[]): ValidationResult {
  return {
    valid,
    reason: errors[0]?.reason,
    errors,
    warnings,
    path,
    anchorSubject: anchor ? formatName(anchor.subject) : undefined,
    userConstrainedPolicySet: policies,
  };
}

/**
 * Validates `target` per RFC 5280 §6: builds candidate paths from the pool to a trust
 * anchor, validates each with §6.1, checks revocation of every certificate in the path
 * (§6.3, OCSP where named) and returns the first path that passes, or the reasons the
 * first candidate failed.
 */
export async function validateCertificate(target: ParsedCertificate, options: ValidationOptions): Promise<ValidationResult> {
  const state: RunState = {
    options,
    time: options.time ?? new Date(),
    pool: [...(options.intermediates ?? [])],
    untrustedIds: new Set((options.untrusted ?? []).map((c) => c.id)),
    inProgress: new Set(),
    signerCache: new Map(),
    crlCache: new Map(),
  };
  return validateInState(target, options.anchors, state, 0);
}

async function validateInState(target: ParsedCertificate, anchors: readonly TrustAnchor[], state: RunState, depth: number): Promise<ValidationResult> {
  const { options, time } = state;
  const subject = formatName(target.subject);
  if (state.untrustedIds.has(target.id)) return result(false, [issue('explicitly-untrusted', 'certificate is marked untrusted', subject)], [], [target], undefined, []);
  if ((options.trustedCertificates ?? []).some((c) => c.id === target.id)) {
    // B11 narrow trust: this certificate itself is trusted; only its own dates still matter (B9).
    if (time < target.notBefore) return result(false, [issue('not-yet-valid', `not valid before ${target.notBefore.toISOString()}`, subject)], [], [target], undefined, []);
    if (time > target.notAfter) return result(false, [issue('expired', `expired ${target.notAfter.toISOString()}`, subject)], [], [target], undefined, []);
    return { ...result(true, [], [], [target], undefined, []), workingPublicKey: { spki: target.spki, dsaParameters: undefined } };
  }
  state.inProgress.add(target.id);
  try {
    let firstFailure: ValidationResult | undefined;
    const usableAnchors = anchors.filter((a) => !a.certificate || !state.untrustedIds.has(a.certificate.id));
    for await (const candidate of buildPaths(target, state.pool, usableAnchors, options.limits ?? DEFAULT_BUILD_LIMITS, options.sources?.issuers)) {
      const outcome = await validateCandidate(candidate.anchor, candidate.path, state, depth);
      if (outcome.valid) return outcome;
      firstFailure ??= outcome;
    }
    if (firstFailure) return firstFailure;
    const untrustedAnchor = anchors.some((a) => a.certificate && state.untrustedIds.has(a.certificate.id) && namesEqual(a.subject, target.issuer));
    return result(false, [issue(untrustedAnchor ? 'explicitly-untrusted' : 'untrusted-root', 'no path to a trusted root', subject)], [], [target], undefined, []);
  } finally {
    state.inProgress.delete(target.id);
  }
}

async function validateCandidate(anchor: TrustAnchor, path: readonly ParsedCertificate[], state: RunState, depth: number): Promise<ValidationResult> {
  const { options, time } = state;
  const marked = path.find((c) => state.untrustedIds.has(c.id));
  if (marked) return result(false, [issue('explicitly-untrusted', 'a certificate in the path is marked untrusted', formatName(marked.subject))], [], path, anchor, []);
  const outcome = await validatePath(anchor, path, time, options.policy ?? DEFAULT_POLICY_INPUTS, options.verifier);
  if (outcome.error) return result(false, [outcome.error], [], path, anchor, []);
  const warnings: ValidationIssue[] = [];
  const mode = options.revocation ?? 'best-effort';
  if (mode !== 'off') {
    for (let k = 0; k < path.length; k++) {
      const cert = path[k] as ParsedCertificate;
      const issuer = outcome.issuers[k] as PathIssuer;
      const status = await revocationStatus(cert, issuer, anchor, state, depth);
      const subject = formatName(cert.subject);
      if (status.status === 'revoked') {
        const when = status.date.toISOString();
        return result(false, [issue('revoked', `revoked on ${when}${status.reason !== undefined ? ` (reason ${status.reason})` : ''}`, subject)], warnings, path, anchor, []);
      }
      if (status.status === 'unknown') {
        const problem = issue('revocation-unknown', status.message, subject);
        if (mode === 'require') return result(false, [problem], warnings, path, anchor, []);
        if (options.reportUnknownRevocation) warnings.push(problem);
      }
    }
  }
  const valid = result(true, [], warnings, path, anchor, outcome.userConstrainedPolicySet);
  return outcome.workingPublicKey ? { ...valid, workingPublicKey: outcome.workingPublicKey } : valid;
}

async function crlsFor(cert: ParsedCertificate, state: RunState): Promise<readonly ParsedCrl[]> {
  const fetch = state.options.sources?.crlsFor;
  const given = state.options.crls ?? [];
  if (!fetch) return given;
  let pending = state.crlCache.get(cert.id);
  if (!pending) {
    pending = fetch(cert).catch(() => []);
    state.crlCache.set(cert.id, pending);
  }
  return [...given, ...(await pending)];
}

async function revocationStatus(cert: ParsedCertificate, issuer: PathIssuer, anchor: TrustAnchor, state: RunState, depth: number): Promise<RevocationStatus> {
  const crls = await crlsFor(cert, state);
  const status = await checkCrls({
    cert,
    crls,
    time: state.time,
    useDeltas: state.options.useDeltaCrls ?? true,
    resolveSigner: (crl) => resolveSigner(crl, cert, issuer, anchor, state, depth),
  });
  if (status.status !== 'unknown' || !state.options.sources?.ocsp) return status;
  const ocsp = await state.options.sources.ocsp(cert, issuer).catch(() => undefined);
  return ocsp ?? status;
}

function resolveSigner(crl: ParsedCrl, cert: ParsedCertificate, issuer: PathIssuer, anchor: TrustAnchor, state: RunState, depth: number): Promise<WorkingPublicKey | undefined> {
  // Keyed by depth as well: a signer validated deeper down may need the same CRL again,
  // and must not wait on the look-up that is waiting for it.
  const key = `${depth}|${crl.id}|${issuer.certificate?.id ?? 'anchor'}|${depth > 0 ? cert.id : ''}`;
  let pending = state.signerCache.get(key);
  if (!pending) {
    pending = findSigner(crl, cert, issuer, anchor, state, depth);
    state.signerCache.set(key, pending);
  }
  return pending;
}

function allowsCrlSigning(cert: ParsedCertificate | undefined): boolean {
  // RFC 5280 §6.3.3 (f): if key usage is present, cRLSign must be set.
  return !cert?.keyUsage || cert.keyUsage.has(KeyUsageBit.cRLSign);
}

/**
 * §6.3.3 (f)–(g): the CRL's signer. First the certificate's own issuer (already validated
 * as part of the path); else another certificate with the CRL issuer's name (key rollover,
 * separate CRL-signing keys, indirect CRLs), validated with its own path from the same
 * trust anchor, revocation included.
 */
async function findSigner(crl: ParsedCrl, cert: ParsedCertificate, issuer: PathIssuer, anchor: TrustAnchor, state: RunState, depth: number): Promise<WorkingPublicKey | undefined> {
  const { verifier } = state.options;
  const verifies = async (key: WorkingPublicKey): Promise<boolean> => (await verifier.verify(crl.signatureAlgorithm, key, crl.tbs, crl.signature)) === 'valid';
  if (namesEqual(crl.issuer, issuer.name) && allowsCrlSigning(issuer.certificate) && (await verifies(issuer.key))) return issuer.key;
  if (namesEqual(crl.issuer, anchor.subject)) {
    const anchorKey: WorkingPublicKey = { spki: anchor.spki, dsaParameters: undefined };
    if (allowsCrlSigning(anchor.certificate) && (await verifies(anchorKey))) return anchorKey;
  }
  if (depth > 0 && cert.id === [...state.inProgress].at(-1) && namesEqual(cert.subject, crl.issuer) && allowsCrlSigning(cert)) {
    // An indirect CRL issuer's own certificate may be covered by the CRL it signs (PKITS
    // 4.14.30): its key is the one whose path is being validated right now.
    const ownKey: WorkingPublicKey = { spki: cert.spki, dsaParameters: undefined };
    if (await verifies(ownKey)) return ownKey;
  }
  if (depth >= MAX_SIGNER_DEPTH) return undefined;
  for (const candidate of state.pool) {
    if (!namesEqual(candidate.subject, crl.issuer) || state.inProgress.has(candidate.id) || !allowsCrlSigning(candidate)) continue;
    const key: WorkingPublicKey = { spki: candidate.spki, dsaParameters: undefined };
    if (!(await verifies(key))) continue;
    const signerResult = await validateInState(candidate, [anchor], state, depth + 1);
    if (signerResult.valid) return key;
  }
  return undefined;
}
