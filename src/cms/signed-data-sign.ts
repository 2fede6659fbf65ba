/**
 * Builds SignedData (RFC 5652 §5) for S/MIME (RFC 8551 §2): one signer, signed attributes
 * contentType, messageDigest, signingTime, SMIMECapabilities and the encryption-key
 * preference in both the RFC 8551 and the Microsoft form. The private-key operation is a
 * KeyOperator call on the digest of the DER signed attributes, so a token can do it.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CachetError } from '../errors';
import { decodeOid, isUniversal, sequenceOf, TAG } from '../pki/der';
import { parseBer } from './der-reader';
import { concatBytes, octetString, oid, piecesLength, sequence, setOf, tlv, type Pieces } from './der-writer';
import { digest } from './digest';
import type { HashName, KeyOperator, NamedCurve, SignatureScheme } from './key-operator';
import {
  ECDSA_OIDS,
  HASH_LENGTHS,
  HASH_OIDS,
  OID_ATTR_CONTENT_TYPE,
  OID_ATTR_MESSAGE_DIGEST,
  OID_DATA,
  OID_EC_PUBLIC_KEY,
  OID_MGF1,
  OID_RSASSA_PSS,
  OID_RSA_ENCRYPTION,
  curveFromOid,
} from './oids';
import { signedDataPieces } from './signed-data-der';
import { verifySignatureValue } from './signature-value-verify';
import { isSelfIssuedCertificate, readCertificateParts, type CertificateParts } from './certificate-parts';
import {
  DEFAULT_SMIME_CAPABILITIES,
  encodeEncryptionKeyPreference,
  encodeSigningTime,
  encodeSmimeCapabilities,
  type SmimeCapability,
} from './smime-attributes';

/** B12: never SHA-1 for new signatures. */
export type SigningHash = Exclude<HashName, 'SHA-1'>;

export interface SignSignedDataOptions {
  readonly subtle: SubtleCrypto;
  readonly signer: KeyOperator;
  /** The exact bytes to sign: for S/MIME the canonical MIME entity (RFC 8551 §3.1.1). */
  readonly content: Uint8Array;
  /**
   * The digest of `content` under `hash` when the caller has it already or has started it
   * (having hashed the content while writing it, or while checking it); otherwise the
   * content is hashed here.
   */
  readonly contentDigest?: Uint8Array | Promise<Uint8Array>;
  /** Detached (for multipart/signed) or encapsulated (opaque signed-data). */
  readonly detached: boolean;
  readonly hash?: SigningHash;
  /** Use RSASSA-PSS with an rsaEncryption key; keys certified for PSS only always use it. */
  readonly rsaPss?: boolean;
  /** Further certificates to include: intermediates (B18). Self-issued ones are left out unless `includeRoot`. */
  readonly chain?: readonly Uint8Array[];
  readonly includeRoot?: boolean;
  /** The certificate others should encrypt to, when not the signing one (B18 includes it too). */
  readonly encryptionCertificate?: Uint8Array;
  readonly capabilities?: readonly SmimeCapability[];
  readonly signingTime?: Date;
}

function algorithm(oid: string, params?: asn1js.BaseBlock): pkijs.AlgorithmIdentifier {
  return params
    ? new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: params })
    : new pkijs.AlgorithmIdentifier({ algorithmId: oid });
}

/** SHA-2 AlgorithmIdentifiers are written with absent parameters (RFC 5754 §2). */
function hashAlgorithm(hash: HashName): pkijs.AlgorithmIdentifier {
  return algorithm(HASH_OIDS[hash]);
}

/** RSASSA-PSS-params (RFC 4055 §3.1): MGF1 over the same hash and a salt as long as the hash, as OpenSSL writes and expects. */
function pssParams(hash: HashName): asn1js.Sequence {
  const hashId = (): asn1js.BaseBlock => hashAlgorithm(hash).toSchema();
  return new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [hashId()] }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [algorithm(OID_MGF1, hashId()).toSchema()],
      }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Integer({ value: HASH_LENGTHS[hash] })] }),
    ],
  });
}

interface SignatureChoice {
  readonly scheme: SignatureScheme;
  readonly algorithm: pkijs.AlgorithmIdentifier;
}

function chooseSignature(certificate: CertificateParts, hash: SigningHash, rsaPss: boolean): SignatureChoice {
  switch (certificate.keyAlgorithm) {
    case OID_RSA_ENCRYPTION:
    case OID_RSASSA_PSS:
      if (rsaPss || certificate.keyAlgorithm === OID_RSASSA_PSS) {
        return {
          scheme: { name: 'RSA-PSS', hash, saltLength: HASH_LENGTHS[hash] },
          algorithm: algorithm(OID_RSASSA_PSS, pssParams(hash)),
        };
      }
      // rsaEncryption with NULL parameters, as OpenSSL and NSS write it (RFC 3370 §3.2).
      return { scheme: { name: 'RSASSA-PKCS1-v1_5', hash }, algorithm: algorithm(OID_RSA_ENCRYPTION, new asn1js.Null()) };
    case OID_EC_PUBLIC_KEY: {
      const params = certificate.keyParameters;
      const curve: NamedCurve | undefined = params && isUniversal(params, TAG.OID) ? curveFromOid(decodeOid(params.value)) : undefined;
      if (!curve) throw new CachetError('cms/unsupported', 'the signing key is on an unsupported elliptic curve');
      // ecdsa-with-SHA* with absent parameters (RFC 5758 §3.2).
      return { scheme: { name: 'ECDSA', hash }, algorithm: algorithm(ECDSA_OIDS[hash]) };
    }
    default:
      throw new CachetError('cms/unsupported', `cannot sign with a ${certificate.keyAlgorithm} key`);
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

async function contentDigest(options: SignSignedDataOptions, hash: SigningHash): Promise<Uint8Array> {
  const given = await options.contentDigest;
  if (!given) return digest(options.subtle, hash, options.content);
  if (given.length !== HASH_LENGTHS[hash]) throw new CachetError('input/invalid', `a ${hash} digest has ${HASH_LENGTHS[hash]} octets`);
  return given;
}

/** Everything about a signature that is settled before the content is hashed. */
interface SignaturePlan {
  readonly hash: SigningHash;
  readonly signer: CertificateParts;
  readonly choice: SignatureChoice;
  /** The certificates to include, each its exact DER, the signer's first. */
  readonly certificates: readonly Uint8Array[];
  /** IssuerAndSerialNumber of the signer certificate. */
  readonly signerId: Uint8Array;
  readonly digestAlgorithm: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  /** The signed attributes other than contentType and messageDigest, each its DER. */
  readonly fixedAttributes: readonly Uint8Array[];
  /** RSA signatures are exactly as long as the modulus (RFC 8017 §8.2.1); ECDSA's DER varies. */
  readonly signatureLength: number | undefined;
}

/** Octets in the RSA modulus of the certificate's key; undefined for other keys. */
function rsaModulusLength(certificate: CertificateParts): number | undefined {
  if (certificate.keyAlgorithm !== OID_RSA_ENCRYPTION && certificate.keyAlgorithm !== OID_RSASSA_PSS) return undefined;
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
  const [modulus] = sequenceOf(certificate.publicKey, 'the signer certificate\'s RSA key');
  if (!modulus || !isUniversal(modulus, TAG.INTEGER)) throw new CachetError('pki/malformed', 'the signer certificate\'s RSA key has no modulus');
  const octets = modulus.value;
  let first = 0;
  while (first < octets.length - 1 && octets[first] === 0) first++;
  return octets.length - first;
}

function planSignature(options: SignSignedDataOptions): SignaturePlan {
  const hash = options.hash ?? 'SHA-256';
  const signer = readCertificateParts(options.signer.certificate, 'the signer certificate');
  const choice = chooseSignature(signer, hash, options.rsaPss ?? false);
  const included: CertificateParts[] = [signer];
  const extra = [
    ...(options.encryptionCertificate ? [readCertificateParts(options.encryptionCertificate, 'the encryption certificate')] : []),
    ...(options.chain ?? []).map((der, i) => readCertificateParts(der, `chain certificate ${i + 1}`)),
  ];
  for (const cert of extra) {
    if (!options.includeRoot && isSelfIssuedCertificate(cert)) continue;
    if (included.some((c) => compareBytes(c.der, cert.der) === 0)) continue;
    included.push(cert);
  }
  const preferred = options.encryptionCertificate ? (extra[0] as CertificateParts) : signer;
  const fixedAttributes = [
    derOf(encodeSigningTime(options.signingTime ?? new Date())),
    derOf(encodeSmimeCapabilities(options.capabilities ?? DEFAULT_SMIME_CAPABILITIES)),
    ...encodeEncryptionKeyPreference(issuerAndSerialNumber(preferred)),
  ];
  return {
    hash,
    signer,
    choice,
    certificates: included.map((c) => c.der),
    signerId: issuerAndSerialNumber(signer),
    digestAlgorithm: derOf(hashAlgorithm(hash)),
    signatureAlgorithm: derOf(choice.algorithm),
    fixedAttributes,
    signatureLength: choice.scheme.name === 'ECDSA' ? undefined : rsaModulusLength(signer),
  };
}

/** IssuerAndSerialNumber (RFC 5652 §10.2.4) naming `certificate`, from its own encodings. */
function issuerAndSerialNumber(certificate: CertificateParts): Uint8Array {
  return sequence(certificate.issuer, certificate.serialNumber);
}

function derOf(value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock): Uint8Array {
  const block = value instanceof asn1js.BaseBlock ? value : value.toSchema();
  return new Uint8Array(block.toBER(false));
}

/**
 * SignedAttributes as the DER SET OF the signature covers (RFC 5652 §5.4), its members
 * sorted by their encodings (X.690 §11.6).
 */
function signedAttributes(plan: SignaturePlan, messageDigest: Uint8Array): Uint8Array {
  return setOf([
    sequence(oid(OID_ATTR_CONTENT_TYPE), tlv(0x31, oid(OID_DATA))),
    sequence(oid(OID_ATTR_MESSAGE_DIGEST), tlv(0x31, octetString(messageDigest))),
    ...plan.fixedAttributes,
  ]);
}

/** The ContentInfo around one SignerInfo, as pieces: an encapsulated content is one of them. */
function assemble(plan: SignaturePlan, options: SignSignedDataOptions, signedAttrs: Uint8Array, signature: Uint8Array): Pieces {
  return signedDataPieces({
    digestAlgorithm: plan.digestAlgorithm,
    signerId: plan.signerId,
    signedAttributes: signedAttrs,
    signatureAlgorithm: plan.signatureAlgorithm,
    signature,
    certificates: plan.certificates,
    ...(options.detached ? {} : { content: options.content }),
  });
}

/** RFC 8017 §5.2.1 I2OSP: an RSA signature is written with exactly as many octets as the modulus. */
function fullLength(signature: Uint8Array, length: number | undefined): Uint8Array {
  if (length === undefined || signature.length >= length) return signature;
  const padded = new Uint8Array(length);
  padded.set(signature, length - signature.length);
  return padded;
}

/**
 * A SignedData about to be made, whose DER length is known before the content is hashed
 * when the signature's length is fixed (RSA): a layer around a signed entity can then be
 * written while the signature is still being made. Undefined for ECDSA.
 */
export interface PlannedSignedData {
  readonly length: number | undefined;
  sign(): Promise<Uint8Array>;
}

export function planSignedData(options: SignSignedDataOptions): PlannedSignedData {
  const plan = planSignature(options);
  const { signatureLength } = plan;
  const length = signatureLength === undefined
    ? undefined
    : piecesLength(assemble(plan, options, signedAttributes(plan, new Uint8Array(HASH_LENGTHS[plan.hash])), new Uint8Array(signatureLength)));
  return {
    length,
    sign: async () => {
      const signed = await signPlanned(plan, options);
      if (length !== undefined && signed.length !== length) throw new CachetError('key/operation-failed', 'the signature is longer than the key allows');
      return signed;
    },
  };
}

async function signPlanned(plan: SignaturePlan, options: SignSignedDataOptions): Promise<Uint8Array> {
  const { hash, choice } = plan;
  // RFC 5652 §5.4: the digest covers the attributes with an EXPLICIT SET OF tag, not [0].
  const toSign = signedAttributes(plan, await contentDigest(options, hash));
  // Some tokens drop an RSA signature's leading zero octets; readers want all of them.
  const signature = fullLength(await options.signer.sign(await digest(options.subtle, hash, toSign), choice.scheme), plan.signatureLength);
  // A token with the wrong key selected, or a faulty signing operation, must not produce a
  // message that every reader will call bad: check the signature before it leaves.
  const key = new pkijs.PublicKeyInfo({ schema: parseBer(plan.signer.spki, 'the signer certificate\'s public key', 'pki/malformed') });
  const check = await verifySignatureValue(options.subtle, key, choice.algorithm, hash, toSign, signature);
  if (check.outcome !== 'valid') {
    throw new CachetError('key/operation-failed', 'the signature made by the key does not verify with the signer certificate');
  }
  return concatBytes(assemble(plan, options, toSign, signature));
}

/** Returns the DER ContentInfo holding the SignedData. */
export async function signSignedData(options: SignSignedDataOptions): Promise<Uint8Array> {
  return signPlanned(planSignature(options), options);
}
