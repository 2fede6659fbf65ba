/**
 * RSAES-OAEP-params (RFC 8017 Appendix A.2.1, RFC 4055 §4.1) as OpenSSL writes and reads
 * them: default (SHA-1, MGF1-SHA-1, empty label) fields omitted, hash AlgorithmIdentifiers
 * without parameters, the label as pSpecified.
 */
import { CachetError } from '../errors';
import { algorithmOf, childrenOf, isContext, octetStringOf, sequenceOf, type Block } from './der-reader';
import { algorithmIdentifier, explicit, octetString, sequence } from './der-writer';
import type { HashName } from './key-operator';
import { HASH_OIDS, hashNameFromOid, OID_MGF1, OID_P_SPECIFIED } from './oids';

export interface OaepParams {
  readonly hash: HashName;
  readonly label: Uint8Array | undefined;
  /** Only when it differs from `hash`. */
  readonly mgf1Hash?: HashName;
}

export function encodeOaepParams({ hash, label }: OaepParams): Uint8Array {
  const fields: Uint8Array[] = [];
  if (hash !== 'SHA-1') {
    fields.push(explicit(0, algorithmIdentifier(HASH_OIDS[hash])));
    fields.push(explicit(1, algorithmIdentifier(OID_MGF1, algorithmIdentifier(HASH_OIDS[hash]))));
  }
  if (label && label.length > 0) fields.push(explicit(2, algorithmIdentifier(OID_P_SPECIFIED, octetString(label))));
  return sequence(...fields);
}

function hashOf(block: Block | undefined, what: string): HashName {
  const hash = hashNameFromOid(algorithmOf(block, what).oid);
  if (!hash) throw new CachetError('cms/unsupported', `${what}: unsupported hash`);
  return hash;
}

/** Reads the parameters; absent parameters mean all defaults. */
export function decodeOaepParams(params: Block | undefined): OaepParams {
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let label: Uint8Array | undefined;
  if (params) {
    for (const field of sequenceOf(params, 'RSAES-OAEP-params')) {
      const [inner] = childrenOf(field, 'RSAES-OAEP-params field');
      if (isContext(field, 0)) hash = hashOf(inner, 'OAEP hashFunc');
      else if (isContext(field, 1)) {
        const mgf = algorithmOf(inner, 'OAEP maskGenFunc');
        if (mgf.oid !== OID_MGF1) throw new CachetError('cms/unsupported', 'OAEP mask generation other than MGF1');
        mgfHash = hashOf(mgf.params, 'MGF1 hash');
      } else if (isContext(field, 2)) {
        const source = algorithmOf(inner, 'OAEP pSourceFunc');
        if (source.oid !== OID_P_SPECIFIED) throw new CachetError('cms/unsupported', 'OAEP label source other than pSpecified');
        label = octetStringOf(source.params, 'OAEP label');
      } else throw new CachetError('cms/malformed', 'unknown field in RSAES-OAEP-params');
    }
  }
  // OpenSSL writes a SHA-256 label hash with the default SHA-1 MGF1 when only rsa_oaep_md is set.
  const base = { hash, label: label && label.length > 0 ? label : undefined };
  return mgfHash === hash ? base : { ...base, mgf1Hash: mgfHash };
}
