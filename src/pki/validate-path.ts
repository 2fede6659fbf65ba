import { formatName, namesEqual, type DistinguishedName } from './distinguished-name';
import { decodeDsaParameters, type DsaParameters } from './dsa-verify';
import { KeyUsageBit } from './extension-decoders';
import { NameConstraintState } from './name-constraints';
import { OID } from './oids';
import type { ParsedCertificate, SubjectPublicKeyInfo } from './parsed-certificate';
import { PolicyTree, PolicyTreeTooLarge } from './policy-tree';
import type { SignatureVerifier, WorkingPublicKey } from './signature-verify';
import { issue, type ValidationIssue, type ValidationReason } from './validation-result';

/** A trust anchor as RFC 5280 §6.1.1 (d) uses it: a name and a key, optionally from a certificate. */
export interface TrustAnchor {
  readonly subject: DistinguishedName;
  readonly spki: SubjectPublicKeyInfo;
  readonly certificate: ParsedCertificate | undefined;
}

export function anchorFromCertificate(cert: ParsedCertificate): TrustAnchor {
  return { subject: cert.subject, spki: cert.spki, certificate: cert };
}

/** The policy inputs of RFC 5280 §6.1.1 (c), (e), (f), (g). */
export interface PolicyInputs {
  readonly initialPolicySet: ReadonlySet<string>;
  readonly initialExplicitPolicy: boolean;
  readonly initialPolicyMappingInhibit: boolean;
  readonly initialAnyPolicyInhibit: boolean;
}

export const DEFAULT_POLICY_INPUTS: PolicyInputs = {
  initialPolicySet: new Set([OID.anyPolicy]),
  initialExplicitPolicy: false,
  initialPolicyMappingInhibit: false,
  initialAnyPolicyInhibit: false,
};

/** The issuer of a certificate in the path, as revocation checking needs it. */
export interface PathIssuer {
  readonly name: DistinguishedName;
  readonly key: WorkingPublicKey;
  /** Undefined when the issuer is the trust anchor. */
  readonly certificate: ParsedCertificate | undefined;
}

export interface PathOutcome {
  readonly error: ValidationIssue | undefined;
  readonly userConstrainedPolicySet: readonly string[];
  /** issuers[k] issued path[k]. */
  readonly issuers: readonly PathIssuer[];
  /** §6.1.6 output: the target's public key with the DSA parameters it inherits, if any. */
  readonly workingPublicKey: WorkingPublicKey | undefined;
}

function fail(reason: ValidationReason, message: string, cert?: ParsedCertificate): PathOutcome {
  return { error: issue(reason, message, cert ? formatName(cert.subject) : undefined), userConstrainedPolicySet: [], issuers: [], workingPublicKey: undefined };
}

function keyParams(spki: SubjectPublicKeyInfo, inherited: DsaParameters | undefined, previousAlg: string | undefined): DsaParameters | undefined {
  // §6.1.4 (d)–(f): parameters come from the certificate, else are inherited when the
  // algorithm is the same (DSA parameter inheritance, PKITS 4.1.5).
  if (spki.algorithm.oid !== OID.dsa) return undefined;
  const p = spki.algorithm.params;
  if (p && p.tagClass === 0 && p.tagNumber === 16) return decodeDsaParameters(p);
  return previousAlg === OID.dsa ? inherited : undefined;
}

/**
 * RFC 5280 §6.1 basic path validation over an already built path (issued-by-anchor first,
 * target last), without revocation, which the caller checks with `issuers` afterwards.
 */
export async function validatePath(
  anchor: TrustAnchor,
  path: readonly ParsedCertificate[],
  time: Date,
  inputs: PolicyInputs,
  verifier: SignatureVerifier,
): Promise<PathOutcome> {
  const n = path.length;
  const tree = new PolicyTree();
  const constraints = new NameConstraintState();
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
  let workingKey: WorkingPublicKey = { spki: anchor.spki, dsaParameters: keyParams(anchor.spki, undefined, undefined) };
  let workingIssuerName = anchor.subject;
  let workingCert: ParsedCertificate | undefined;
  let maxPathLength = n;
  const issuers: PathIssuer[] = [];

  try {
    for (let index = 0; index < n; index++) {
      const i = index + 1;
      const cert = path[index] as ParsedCertificate;
      issuers.push({ name: workingIssuerName, key: workingKey, certificate: workingCert });

      // §6.1.3 (a)(4) name chaining, checked before the costlier signature.
      if (!namesEqual(cert.issuer, workingIssuerName)) return fail('name-chaining', 'issuer name does not match the issuer\'s subject', cert);
      // (a)(1) signature with the working public key.
      const verdict = await verifier.verify(cert.signatureAlgorithm, workingKey, cert.tbs, cert.signature);
      if (verdict === 'weak-algorithm') return fail('weak-algorithm', 'certificate signed with a rejected algorithm', cert);
      if (verdict === 'unsupported-algorithm') return fail('unsupported-algorithm', `unsupported signature algorithm ${cert.signatureAlgorithm.oid}`, cert);
      if (verdict !== 'valid') return fail('bad-signature', 'certificate signature does not verify', cert);
      // (a)(2) validity at the given time.
      if (time < cert.notBefore) return fail('not-yet-valid', `not valid before ${cert.notBefore.toISOString()}`, cert);
      if (time > cert.notAfter) return fail('expired', `expired ${cert.notAfter.toISOString()}`, cert);
      // (b)–(c) name constraints, skipped for self-issued intermediates.
      if (!(cert.selfIssued && i < n)) {
        const problem = constraints.check(cert);
        if (problem) return fail('name-constraints', problem, cert);
      }
      // (d)–(e) policies; (f) explicit policy.
      tree.processCertificatePolicies(cert, i, n, inhibitAnyPolicy);
      if (explicitPolicy === 0 && tree.isNull) return fail('policy', 'no acceptable certificate policy', cert);

      if (i === n) break;

      // §6.1.4 preparation for certificate i+1.
      if (cert.policyMappings) {
        // (a) mapping to or from anyPolicy is not allowed.
        if (cert.policyMappings.some((m) => m.issuerDomainPolicy === OID.anyPolicy || m.subjectDomainPolicy === OID.anyPolicy)) {
          return fail('policy', 'policy mapping involves anyPolicy', cert);
        }
        tree.applyMappings(cert, i, policyMapping);
      }
      workingIssuerName = cert.subject;
      workingKey = { spki: cert.spki, dsaParameters: keyParams(cert.spki, workingKey.dsaParameters, workingKey.spki.algorithm.oid) };
      workingCert = cert;
      constraints.add(cert);
      if (!cert.selfIssued) {
        if (explicitPolicy > 0) explicitPolicy--;
        if (policyMapping > 0) policyMapping--;
        if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
      }
      const pc = cert.policyConstraints;
      if (pc?.requireExplicitPolicy !== undefined) explicitPolicy = Math.min(explicitPolicy, pc.requireExplicitPolicy);
      if (pc?.inhibitPolicyMapping !== undefined) policyMapping = Math.min(policyMapping, pc.inhibitPolicyMapping);
      if (cert.inhibitAnyPolicy !== undefined) inhibitAnyPolicy = Math.min(inhibitAnyPolicy, cert.inhibitAnyPolicy);
      // (k) it must be a CA.
      if (cert.basicConstraints?.ca !== true) return fail('invalid-ca', 'issuer is not a CA certificate (basicConstraints)', cert);
      // (l)–(m) path length.
      if (!cert.selfIssued) {
        if (maxPathLength <= 0) return fail('path-length', 'path length constraint exceeded', path[index + 1] ?? cert);
        maxPathLength--;
      }
      if (cert.basicConstraints.pathLen !== undefined) maxPathLength = Math.min(maxPathLength, cert.basicConstraints.pathLen);
      // (n) keyCertSign.
      if (cert.keyUsage && !cert.keyUsage.has(KeyUsageBit.keyCertSign)) return fail('wrong-usage', 'CA key usage lacks keyCertSign', cert);
      // (o) unrecognised critical extensions.
      if (cert.unknownCriticalExtensions.length > 0) {
        return fail('unknown-critical-extension', `unrecognised critical extension ${cert.unknownCriticalExtensions.join(', ')}`, cert);
      }
    }

    // §6.1.5 wrap-up.
    const target = path[n - 1];
    if (target) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (target.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0;
      if (target.unknownCriticalExtensions.length > 0) {
        return fail('unknown-critical-extension', `unrecognised critical extension ${target.unknownCriticalExtensions.join(', ')}`, target);
      }
    }
    const userConstrainedPolicySet = tree.intersect(inputs.initialPolicySet, n);
    if (explicitPolicy === 0 && tree.isNull) return fail('policy', 'no acceptable certificate policy for the path', target);
    // §6.1.5 (c)–(e): the target's key, inheriting DSA parameters from its issuer's key.
    const finalKey = target ? { spki: target.spki, dsaParameters: keyParams(target.spki, workingKey.dsaParameters, workingKey.spki.algorithm.oid) } : undefined;
    return { error: undefined, userConstrainedPolicySet, issuers, workingPublicKey: finalKey };
  } catch (error) {
    if (error instanceof PolicyTreeTooLarge) return fail('policy', 'certificate policies too complex to evaluate');
    return fail('malformed', error instanceof Error ? error.message : 'malformed certificate');
  }
}
