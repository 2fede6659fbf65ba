/**
 * Certificate validation as the background does it for the reader and compose: RFC 5280
 * path validation (src/pki) with the trust anchors, untrusted certificates and revocation
 * settings of the current policy (B9–B11, B20), fetching through the browser with the
 * policy's time limits, CRLs cached in IndexedDB.
 */
import type { Operation } from '../../src/pki/certificate-model';
import { checkCertificate } from '../../src/pki/check-certificate';
import type { CrlCache } from '../../src/pki/crl-cache';
import { DEFAULT_RETRIEVAL_LIMITS, type Fetcher } from '../../src/pki/fetcher';
import { networkSources } from '../../src/pki/network-sources';
import { parseEachSkippingBroken } from '../../src/pki/parse-each';
import { parseCertificate, type ParsedCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl, type ParsedCrl } from '../../src/pki/parsed-crl';
import { SignatureVerifier } from '../../src/pki/signature-verify';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { issue, type ValidationResult } from '../../src/pki/validation-result';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';
import { fingerprintOf } from '../address-book/certificate-summary';
import type { PolicyStore } from '../policy-store';

export interface ValidationRequest {
  /** Certificates that came with the message (intermediates, cross-certificates). */
  readonly intermediates?: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[];
  readonly time?: Date;
  readonly purpose?: Operation;
  readonly email?: string;
}

export interface CertificateValidation {
  validate(target: Uint8Array, request?: ValidationRequest): Promise<ValidationResult>;
}

export interface ValidationDeps {
  readonly policy: PolicyStore;
  readonly crypto: Crypto;
  readonly fetcher: Fetcher;
  readonly cache: CrlCache;
  readonly now?: () => Date;
}


function failure(message: string): ValidationResult {
  return { valid: false, reason: 'malformed', errors: [issue('malformed', message)], warnings: [], path: [], anchorSubject: undefined, userConstrainedPolicySet: [] };
}

export function createCertificateValidation(deps: ValidationDeps): CertificateValidation {
  const verifier = new SignatureVerifier(deps.crypto);
  const now = deps.now ?? (() => new Date());
  return {
    async validate(targetDer, request = {}) {
      let target: ParsedCertificate;
      try {
        target = parseCertificate(targetDer);
      } catch (error) {
        return failure(error instanceof Error ? error.message : 'the certificate cannot be decoded');
      }
      const { policy } = await deps.policy.view();
      const anchors = parseEachSkippingBroken(policy.trustedRoots.map((b64) => base64ToBytes(b64)), parseCertificate);
      const intermediates = parseEachSkippingBroken(request.intermediates, parseCertificate);
      const crls: ParsedCrl[] = parseEachSkippingBroken(request.crls, parseCrl);
      // Untrusted certificates are kept as fingerprints; mark those among the candidates.
      const untrustedPrints = new Set(policy.untrustedCertificates);
      const untrusted: ParsedCertificate[] = [];
      for (const cert of [target, ...intermediates, ...anchors]) {
        if (untrustedPrints.has(await fingerprintOf(cert.der, deps.crypto.subtle))) untrusted.push(cert);
      }
      const revocation = policy.disableCrlCheck ? 'off' : 'best-effort';
      const time = request.time ?? now();
      return checkCertificate(target, {
        verifier,
        anchors: anchors.map(anchorFromCertificate),
        intermediates,
        untrusted,
        crls,
        time,
        revocation,
        reportUnknownRevocation: policy.checkCrl,
        ...(revocation === 'off' ? {} : {
          sources: networkSources({
            fetcher: deps.fetcher,
            crypto: deps.crypto,
            verifier,
            cache: deps.cache,
            now,
            time,
            limits: {
              ...DEFAULT_RETRIEVAL_LIMITS,
              perUrlTimeoutMs: policy.revocationUrlRetrievalTimeoutMs,
              totalTimeoutMs: policy.certUrlRetrievalTimeoutMs,
            },
          }),
        }),
        ...(request.purpose ? { purpose: request.purpose } : {}),
        ...(request.email !== undefined ? { email: request.email } : {}),
      });
    },
  };
}
