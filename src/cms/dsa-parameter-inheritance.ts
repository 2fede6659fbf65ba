/**
 * DSA parameter inheritance (RFC 3279 §2.3.2, RFC 5280 §6.1.4 (d)–(f)): a DSA key whose
 * AlgorithmIdentifier has no parameters uses those of its issuer's DSA key. To check a
 * DSA SignerInfo before the path is validated, the parameters are found by walking up
 * the certificates the message carries; path validation later confirms those issuers.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { decodeDsaParameters, type DsaParameters } from '../pki/dsa-verify';
import { readTlv } from '../pki/der';
import { issuerDer, sameName, subjectDer, type ParsedCertificate } from './certificate-fields';
import { OID_DSA } from './oids';

// Real hierarchies are a few levels deep; the bound also ends loops of cross-certificates.
const MAX_STEPS = 8;

/** The key's own Dss-Parms, or undefined when it has none (or is not DSA). */
export function ownDsaParameters(key: pkijs.PublicKeyInfo): DsaParameters | undefined {
  if (key.algorithm.algorithmId !== OID_DSA) return undefined;
  const params: unknown = key.algorithm.algorithmParams;
  if (!(params instanceof asn1js.Sequence)) return undefined;
  return decodeDsaParameters(readTlv(new Uint8Array(params.toBER(false))));
}

/** The parameters `certificate`'s DSA key uses: its own, else the nearest issuer's in `pool`. */
export function effectiveDsaParameters(certificate: ParsedCertificate, pool: readonly ParsedCertificate[]): DsaParameters | undefined {
  let current = certificate;
  for (let step = 0; step < MAX_STEPS; step++) {
    const key = current.model.subjectPublicKeyInfo;
    if (key.algorithm.algorithmId !== OID_DSA) return undefined;
    const own = ownDsaParameters(key);
    if (own) return own;
    const issuerName = issuerDer(current.model);
    if (issuerName === undefined || sameName(issuerName, subjectDer(current.model))) return undefined;
    const issuer = pool.find((candidate) => candidate !== current && sameName(subjectDer(candidate.model), issuerName));
    if (!issuer) return undefined;
    current = issuer;
  }
  return undefined;
}
