import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import type { ValidationSources } from './certificate-validator';
import type { CrlCache } from './crl-cache';
import type { DistributionPoint } from './extension-decoders';
import { DEFAULT_RETRIEVAL_LIMITS, RetrievalBudget, type Fetcher, type RetrievalLimits } from './fetcher';
import { buildOcspRequest, verifyOcspResponse } from './ocsp';
import { OID } from './oids';
import { parseCertificate, pemOrDer, type ParsedCertificate } from './parsed-certificate';
import { parseCrl, type ParsedCrl } from './parsed-crl';
import type { SignatureVerifier } from './signature-verify';
import type { PathIssuer } from './validate-path';

export interface NetworkSourceOptions {
  readonly fetcher: Fetcher;
  readonly crypto: Crypto;
  readonly verifier: SignatureVerifier;
  readonly cache?: CrlCache;
  readonly limits?: RetrievalLimits;
  /** Wall clock, for cache expiry and OCSP freshness. */
  readonly now?: () => Date;
  /** Validation time (for a delegated OCSP responder's validity); defaults to now. */
  readonly time?: Date;
  /** Called for every URL that could not be used, so callers can show why. */
  readonly onError?: (url: string, error: unknown) => void;
}

const MAX_URLS_PER_CERT = 4;
const MAX_AIA_CERTS = 10;

/** CRLs and issuers come over HTTP or from an LDAP directory (RFC 5280 §4.2.1.13, §4.2.2.1); OCSP only over HTTP (RFC 6960 appendix A). */
const fetchedUri = /^(https?|ldaps?):/i;
const ocspUri = /^https?:/i;

function uris(points: readonly DistributionPoint[] | undefined): string[] {
  const out: string[] = [];
  for (const dp of points ?? []) {
    if (dp.name?.kind !== 'full') continue;
    for (const n of dp.name.names) if (n.kind === 'uri' && fetchedUri.test(n.value)) out.push(n.value);
  }
  return out;
}

function accessUris(cert: ParsedCertificate, method: string): string[] {
  const scheme = method === OID.ocsp ? ocspUri : fetchedUri;
  return (cert.authorityInfoAccess ?? [])
    .filter((ad) => ad.method === method && ad.location.kind === 'uri' && scheme.test(ad.location.value))
    .map((ad) => (ad.location.kind === 'uri' ? ad.location.value : ''));
}

/** caIssuers answers are a DER or PEM certificate, or a certs-only CMS bundle (RFC 5280 §4.2.2.1). */
function certificatesFrom(bytes: Uint8Array): ParsedCertificate[] {
  try {
    return pemOrDer(bytes).map(parseCertificate);
  } catch {
    const asn1 = asn1js.fromBER(new Uint8Array(bytes));
    if (asn1.offset === -1) return [];
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) return [];
    const signed = new pkijs.SignedData({ schema: info.content });
    return (signed.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .slice(0, MAX_AIA_CERTS)
      .map((c) => parseCertificate(new Uint8Array(c.toSchema().toBER())));
  }
}

/**
 * Revocation data and missing issuers from the network (B10, B11, B20), for one
 * operation: every fetch shares one `RetrievalBudget`, so create new sources per
 * operation. CRLs come from the cache while their nextUpdate has not passed.
 */
export function networkSources(options: NetworkSourceOptions): ValidationSources {
  const budget = new RetrievalBudget(options.fetcher, options.limits ?? DEFAULT_RETRIEVAL_LIMITS);
  const now = options.now ?? (() => new Date());
  const report = (url: string, error: unknown): void => options.onError?.(url, error);

  async function crl(url: string): Promise<ParsedCrl | undefined> {
    const cached = await options.cache?.get(url, now());
    if (cached) {
      try {
        return parseCrl(cached);
      } catch (error) {
        report(url, error);
      }
    }
    if (budget.exhausted) {
      report(url, new Error('retrieval time used up'));
      return undefined;
    }
    try {
      const bytes = await budget.fetch(url);
      const der = pemOrDer(bytes, 'X509 CRL')[0] ?? bytes;
      const parsed = parseCrl(der);
      if (parsed.nextUpdate && options.cache) await options.cache.put(url, { der, nextUpdate: parsed.nextUpdate });
      return parsed;
    } catch (error) {
      report(url, error);
      return undefined;
    }
  }

  return {
    async crlsFor(cert) {
      const urls = [...new Set([...uris(cert.crlDistributionPoints), ...uris(cert.freshestCrl)])].slice(0, MAX_URLS_PER_CERT);
      const out: ParsedCrl[] = [];
      for (const url of urls) {
        const parsed = await crl(url);
        if (parsed) out.push(parsed);
      }
      return out;
    },

    async issuers(cert) {
      const out: ParsedCertificate[] = [];
      for (const url of accessUris(cert, OID.caIssuers).slice(0, MAX_URLS_PER_CERT)) {
        if (budget.exhausted) break;
        try {
          for (const found of certificatesFrom(await budget.fetch(url))) out.push(found);
        } catch (error) {
          report(url, error);
        }
      }
      return out;
    },

    async ocsp(cert: ParsedCertificate, issuer: PathIssuer) {
      for (const url of accessUris(cert, OID.ocsp).slice(0, MAX_URLS_PER_CERT)) {
        if (budget.exhausted) break;
        try {
          const ocspIssuer = { subjectDer: issuer.name.der, key: issuer.key };
          const request = await buildOcspRequest(options.crypto, cert, ocspIssuer);
          const response = await budget.fetch(url, { body: request.der, contentType: 'application/ocsp-request' });
          const status = await verifyOcspResponse(response, { crypto: options.crypto, verifier: options.verifier, request, issuer: ocspIssuer, now: now(), time: options.time ?? now() });
          if (status) return status;
        } catch (error) {
          report(url, error);
        }
      }
      return undefined;
    },
  };
}
