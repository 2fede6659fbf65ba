/**
 * Strict SignedData verification (RFC 5652 §5, B13). Unlike PKI.js' `SignedData.verify`
 * this hashes exactly the content it is given, refuses detached content when the CMS
 * carries its own (the content shown would not be the content signed), checks the
 * contentType and messageDigest attributes (RFC 5652 §11.1, §11.2) and reports every
 * signer on its own with a status word. Certificate path validation is not done here:
 * the result carries what the PKI layer needs (signer certificate, its addresses, the
 * certificates and CRLs of the message, the signing time).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CachetError, isCachetError } from '../errors';
import { octetStringBytes, parseBer } from './asn1-input';
import { emailAddresses, matchesIssuerAndSerial, type ParsedCertificate } from './certificate-fields';
import { bytesEqual, digest } from './digest';
import type { CmsCrypto } from './cms-crypto';
import type { HashName } from './key-operator';
import {
  BROKEN_HASH_OIDS,
  OID_ATTR_CONTENT_TYPE,
  OID_ATTR_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_MESSAGE_DIGEST,
  OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE,
  OID_ATTR_SIGNING_TIME,
  OID_ATTR_SMIME_CAPABILITIES,
  OID_DATA,
  OID_DSA,
  OID_SIGNED_DATA,
  hashNameFromOid,
} from './oids';
import { effectiveDsaParameters } from './dsa-parameter-inheritance';
import { checkCertificateSet, walkSignedData, type WalkedSignedData } from './signed-data-walk';
import { parsedCandidates, SignerCandidate } from './signer-candidates';
import { verifySignatureValue } from './signature-value-verify';
import {
  decodeEncryptionKeyPreference,
  decodeSigningTime,
  decodeSmimeCapabilities,
  singleValue,
  type EncryptionKeyPreference,
  type SmimeCapability,
} from './smime-attributes';

/**
 * One word per outcome; only `good` is good. `weak`: the signature checks out but uses a
 * hash no longer trusted (SHA-1 unless allowed, MD5, MD4). `signing-time-mismatch` is set
 * by the S/MIME layer when signingTime and the message's Date disagree.
 */
export type SignerStatus =
  | 'good'
  | 'bad-signature'
  | 'digest-mismatch'
  | 'content-type-mismatch'
  | 'bad-attributes'
  | 'unknown-signer'
  | 'weak'
  | 'unsupported-algorithm'
  | 'signing-time-mismatch';

export interface SignerVerification {
  readonly status: SignerStatus;
  /** Why the status is not `good`, for people. */
  readonly reason?: string;
  /** DER of the signer's certificate as found in the message or the extra certificates. */
  readonly certificate?: Uint8Array;
  /** Subject emailAddress and SAN rfc822Name values of that certificate (B1). */
  readonly emailAddresses: readonly string[];
  readonly signingTime?: Date;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
  readonly capabilities?: readonly SmimeCapability[];
  readonly encryptionKeyPreference?: EncryptionKeyPreference;
}

export interface SignedDataVerification {
  readonly eContentType: string;
  /** The content that was checked: the encapsulated content, or the detached content given. */
  readonly content: Uint8Array;
  readonly detached: boolean;
  readonly signers: readonly SignerVerification[];
  /** Every certificate carried in the message, DER as received: the chain for the PKI layer. */
  readonly certificates: readonly Uint8Array[];
  /** Every CRL carried in the message, DER as received. */
  readonly crls: readonly Uint8Array[];
  /** True when there is at least one signer and every signer is `good`. Zero signers is not signed. */
  readonly allGood: boolean;
}

export interface VerifySignedDataOptions {
  readonly subtle: SubtleCrypto;
  /**
   * The platform's incremental digest, where it has one: the signed content is then
   * hashed where it lies, where WebCrypto's digest first copies it whole.
   */
  readonly incrementalDigest?: CmsCrypto['incrementalDigest'];
  /** The exact received bytes a detached signature covers. */
  readonly detachedContent?: Uint8Array;
  /** Certificates to look for signers in besides those in the message (address book, token). */
  readonly extraCertificates?: readonly Uint8Array[];
  /** Insecure: count SHA-1 signatures as good. Off by default, as in Thunderbird. */
  readonly insecureAllowSha1?: boolean;
}

function malformed(message: string, cause?: unknown): CachetError {
  return new CachetError('cms/malformed', message, cause === undefined ? undefined : { cause });
}

/**
 * The reason a signer is not good, from the typed error its input gave. Anything else is a
 * defect here, not a property of the message: it is rethrown, so no internal text such as
 * "Cannot read properties of undefined" becomes a verdict's reason (issue 13).
 */
function reasonOf(error: unknown): string {
  if (isCachetError(error)) return error.message;
  throw error;
}

function contextChild(item: asn1js.BaseBlock | undefined, tag: number): asn1js.BaseBlock[] | undefined {
  if (!(item instanceof asn1js.Constructed) || item.idBlock.tagClass !== 3 || item.idBlock.tagNumber !== tag) return undefined;
  return item.valueBlock.value;
}

interface ParsedSignedData {
  readonly model: pkijs.SignedData;
  readonly eContent: Uint8Array | undefined;
  readonly certificates: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
}

/**
 * The SignedData of a ContentInfo parsed by asn1js as a whole: its fields other than
 * certificates and CRLs, and the received encodings of those.
 */
function parseSignedDataThoroughly(cms: Uint8Array): WalkedSignedData {
  const root = parseBer(cms, 'CMS', 'cms/malformed');
  if (!(root instanceof asn1js.Sequence)) throw malformed('CMS: ContentInfo is not a SEQUENCE');
  const [typeNode, contentNode] = root.valueBlock.value;
  if (!(typeNode instanceof asn1js.ObjectIdentifier)) throw malformed('CMS: ContentInfo has no content type');
  if (typeNode.valueBlock.toString() !== OID_SIGNED_DATA) {
    throw new CachetError('cms/unsupported', `CMS content type ${typeNode.valueBlock.toString()} is not SignedData`);
  }
  const sdNode = contextChild(contentNode, 0)?.[0];
  if (!(sdNode instanceof asn1js.Sequence)) throw malformed('CMS: SignedData missing');

  const items = sdNode.valueBlock.value;
  const certificates: Uint8Array[] = [];
  const crls: Uint8Array[] = [];
  for (const item of items.slice(3)) {
    for (const cert of contextChild(item, 0) ?? []) {
      // Only plain X.509 certificates (CertificateChoices' untagged choice) are of use to S/MIME.
      if (cert instanceof asn1js.Sequence) certificates.push(cert.valueBeforeDecodeView);
    }
    for (const crl of contextChild(item, 1) ?? []) {
      if (crl instanceof asn1js.Sequence) crls.push(crl.valueBeforeDecodeView);
    }
  }
  checkCertificateSet(certificates.length, 'certificates');
  checkCertificateSet(crls.length, 'CRLs');
  const fields = items.filter((item, i) => i < 3 || !(contextChild(item, 0) ?? contextChild(item, 1)));
  return { fields, certificates, crls };
}

/** ContentInfo → SignedData, keeping the received encodings of content, certificates and CRLs. */
export function parseSignedData(cms: Uint8Array): ParsedSignedData {
  const { fields, certificates, crls } = walkSignedData(cms) ?? parseSignedDataThoroughly(cms);
  // Certificates and CRLs are read from their received bytes, each on its own; left in,
  // one unparsable certificate would make PKI.js reject the whole SignedData.
  let model: pkijs.SignedData;
  try {
    model = new pkijs.SignedData({ schema: new asn1js.Sequence({ value: [...fields] }) });
  } catch (error) {
    throw malformed('CMS: SignedData does not match RFC 5652 §5.1', error);
  }

  const eci = fields[2];
  let eContent: Uint8Array | undefined;
  if (eci instanceof asn1js.Sequence) {
    const wrapped = contextChild(eci.valueBlock.value[1], 0);
    if (wrapped) {
      const octets = wrapped[0];
      if (!octets || wrapped.length !== 1) throw malformed('CMS: bad eContent');
      eContent = octetStringBytes(octets, 'CMS eContent');
    }
  }
  return { model, eContent, certificates, crls };
}

class DigestCache {
  private readonly cache = new Map<HashName, Promise<Uint8Array>>();
  constructor(private readonly options: VerifySignedDataOptions, private readonly content: Uint8Array) {}
  get(hash: HashName): Promise<Uint8Array> {
    let entry = this.cache.get(hash);
    if (!entry) {
      entry = this.compute(hash);
      this.cache.set(hash, entry);
    }
    return entry;
  }

  private async compute(hash: HashName): Promise<Uint8Array> {
    const incremental = this.options.incrementalDigest?.(hash);
    if (!incremental) return digest(this.options.subtle, hash, this.content);
    incremental.update(this.content);
    return incremental.finish();
  }
}

async function findSigner(
  subtle: SubtleCrypto,
  sid: unknown,
  pool: readonly SignerCandidate[],
): Promise<ParsedCertificate | undefined> {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = sid.serialNumber.valueBlock.valueHexView;
    for (const candidate of pool) {
      if (!candidate.mayHaveSerial(serial)) continue;
      const cert = candidate.certificate;
      if (cert && matchesIssuerAndSerial(cert.model, sid)) return cert;
    }
    return undefined;
  }
  // SignerIdentifier subjectKeyIdentifier [0] IMPLICIT OCTET STRING (RFC 5652 §5.3).
  if (sid instanceof asn1js.BaseBlock && sid.idBlock.tagClass === 3 && sid.idBlock.tagNumber === 0 && !sid.idBlock.isConstructed) {
    const keyId = (sid as asn1js.Primitive).valueBlock.valueHexView;
    for (const candidate of pool) {
      const id = await candidate.keyIdentifier(subtle);
      const cert = id && bytesEqual(id, keyId) ? candidate.certificate : undefined;
      if (cert) return cert;
    }
  }
  return undefined;
}

function attributesOf(set: pkijs.SignedAndUnsignedAttributes | undefined): pkijs.Attribute[] {
  return set?.attributes ?? [];
}

interface SignedAttributeFacts {
  readonly problem?: { status: SignerStatus; reason: string };
  readonly messageDigest?: Uint8Array;
  readonly signingTime?: Date;
  readonly capabilities?: SmimeCapability[];
  readonly encryptionKeyPreference?: EncryptionKeyPreference;
}

/** RFC 5652 §5.3, §11: exactly one contentType and messageDigest, single-valued; signingTime at most once. */
function readSignedAttributes(info: pkijs.SignerInfo, eContentType: string): SignedAttributeFacts {
  const signed = attributesOf(info.signedAttrs);
  const unsigned = attributesOf(info.unsignedAttrs);
  const onlySigned = [OID_ATTR_CONTENT_TYPE, OID_ATTR_MESSAGE_DIGEST, OID_ATTR_SIGNING_TIME];
  if (unsigned.some((a) => onlySigned.includes(a.type))) {
    return { problem: { status: 'bad-attributes', reason: 'contentType, messageDigest or signingTime given as an unsigned attribute' } };
  }
  if (!info.signedAttrs) {
    // Without signed attributes the signature covers the content itself, allowed only for id-data.
    return eContentType === OID_DATA ? {} : { problem: { status: 'bad-attributes', reason: 'signed attributes missing for non-data content' } };
  }
  const ofType = (oid: string): pkijs.Attribute[] => signed.filter((a) => a.type === oid);
  const contentTypes = ofType(OID_ATTR_CONTENT_TYPE);
  const digests = ofType(OID_ATTR_MESSAGE_DIGEST);
  const times = ofType(OID_ATTR_SIGNING_TIME);
  if (contentTypes.length !== 1) return { problem: { status: 'bad-attributes', reason: `${contentTypes.length} contentType attributes, expected 1` } };
  if (digests.length !== 1) return { problem: { status: 'bad-attributes', reason: `${digests.length} messageDigest attributes, expected 1` } };
  if (times.length > 1) return { problem: { status: 'bad-attributes', reason: 'more than one signingTime attribute' } };
  let messageDigest: Uint8Array;
  let signingTime: Date | undefined;
  try {
    const ct = singleValue(contentTypes[0] as pkijs.Attribute, 'contentType');
    if (!(ct instanceof asn1js.ObjectIdentifier)) throw malformed('contentType attribute is not an OID');
    if (ct.valueBlock.toString() !== eContentType) {
      return { problem: { status: 'content-type-mismatch', reason: `contentType attribute ${ct.valueBlock.toString()} differs from eContentType ${eContentType}` } };
    }
    const md = singleValue(digests[0] as pkijs.Attribute, 'messageDigest');
    if (!(md instanceof asn1js.OctetString) || md.idBlock.isConstructed) throw malformed('messageDigest attribute is not an OCTET STRING');
    messageDigest = md.valueBlock.valueHexView;
    if (times[0]) signingTime = decodeSigningTime(times[0]);
  } catch (error) {
    return { problem: { status: 'bad-attributes', reason: reasonOf(error) } };
  }
  // Capabilities and key preference are advisory; a broken one is ignored, not fatal.
  let capabilities: SmimeCapability[] | undefined;
  let encryptionKeyPreference: EncryptionKeyPreference | undefined;
  const caps = ofType(OID_ATTR_SMIME_CAPABILITIES)[0];
  try {
    if (caps) capabilities = decodeSmimeCapabilities(caps);
  } catch { /* ignored: advisory */ }
  const pref = ofType(OID_ATTR_ENCRYPTION_KEY_PREFERENCE)[0] ?? ofType(OID_ATTR_MS_ENCRYPTION_KEY_PREFERENCE)[0];
  try {
    if (pref) encryptionKeyPreference = decodeEncryptionKeyPreference(pref);
  } catch { /* ignored: advisory */ }
  return {
    messageDigest,
    ...(signingTime ? { signingTime } : {}),
    ...(capabilities ? { capabilities } : {}),
    ...(encryptionKeyPreference ? { encryptionKeyPreference } : {}),
  };
}

async function verifySigner(
  info: pkijs.SignerInfo,
  eContentType: string,
  digests: DigestCache,
  content: Uint8Array,
  pool: readonly SignerCandidate[],
  options: VerifySignedDataOptions,
): Promise<SignerVerification> {
  const digestAlgorithm = info.digestAlgorithm.algorithmId;
  const signatureAlgorithm = info.signatureAlgorithm.algorithmId;
  const facts = readSignedAttributes(info, eContentType);
  const signer = await findSigner(options.subtle, info.sid, pool);
  const base = {
    digestAlgorithm,
    signatureAlgorithm,
    emailAddresses: signer ? emailAddresses(signer.model) : [],
    ...(signer ? { certificate: signer.der } : {}),
    ...(facts.signingTime ? { signingTime: facts.signingTime } : {}),
    ...(facts.capabilities ? { capabilities: facts.capabilities } : {}),
    ...(facts.encryptionKeyPreference ? { encryptionKeyPreference: facts.encryptionKeyPreference } : {}),
  };
  const result = (status: SignerStatus, reason?: string): SignerVerification => ({ status, ...(reason ? { reason } : {}), ...base });

  if (facts.problem) return result(facts.problem.status, facts.problem.reason);
  if (BROKEN_HASH_OIDS.has(digestAlgorithm) || BROKEN_HASH_OIDS.has(signatureAlgorithm)) {
    return result('weak', 'signed with a broken hash (MD5 or MD4)');
  }
  const hash = hashNameFromOid(digestAlgorithm);
  if (!hash) return result('unsupported-algorithm', `unsupported digest algorithm ${digestAlgorithm}`);

  let signedBytes = content;
  if (facts.messageDigest) {
    if (!bytesEqual(await digests.get(hash), facts.messageDigest)) {
      return result('digest-mismatch', 'messageDigest does not match the content');
    }
    // RFC 5652 §5.4: the signature covers the DER SET OF the signed attributes as received.
    signedBytes = new Uint8Array((info.signedAttrs as pkijs.SignedAndUnsignedAttributes).encodedValue);
  }
  if (!signer) return result('unknown-signer', 'the signer certificate is not in the message or the given certificates');

  let signature: Uint8Array;
  try {
    signature = octetStringBytes(info.signature, 'signature');
  } catch (error) {
    return result('bad-signature', reasonOf(error));
  }
  let dsaParameters;
  try {
    // Only a DSA key may take its parameters from an issuer among the other certificates.
    dsaParameters = signer.model.subjectPublicKeyInfo.algorithm.algorithmId === OID_DSA ? effectiveDsaParameters(signer, parsedCandidates(pool)) : undefined;
  } catch (error) {
    return result('bad-signature', reasonOf(error));
  }
  const check = await verifySignatureValue(options.subtle, signer.model.subjectPublicKeyInfo, info.signatureAlgorithm, hash, signedBytes, signature, dsaParameters);
  if (check.outcome === 'unsupported') return result('unsupported-algorithm', check.reason);
  if (check.outcome === 'invalid') return result('bad-signature', check.reason);
  if (hash === 'SHA-1' && !options.insecureAllowSha1) return result('weak', 'SHA-1 signatures are not accepted');
  return result('good');
}

/**
 * Verifies a DER/BER ContentInfo holding SignedData. Throws `cms/malformed` for input that
 * is not SignedData, `cms/bad-signature` when both encapsulated and detached content exist,
 * `input/invalid` when a detached signature comes without content.
 */
export async function verifySignedData(cms: Uint8Array, options: VerifySignedDataOptions): Promise<SignedDataVerification> {
  const parsed = parseSignedData(cms);
  const eContentType = parsed.model.encapContentInfo.eContentType;
  if (parsed.eContent && options.detachedContent) {
    throw new CachetError('cms/bad-signature', 'the signature carries its own content and different detached content was given; what is shown would not be what was signed');
  }
  const content = parsed.eContent ?? options.detachedContent;
  if (!content) throw new CachetError('input/invalid', 'detached signature given without the signed content');

  const pool = [...parsed.certificates, ...(options.extraCertificates ?? [])].map((der) => new SignerCandidate(der));
  const digests = new DigestCache(options, content);
  const signers: SignerVerification[] = [];
  for (const info of parsed.model.signerInfos) {
    signers.push(await verifySigner(info, eContentType, digests, content, pool, options));
  }
  return {
    eContentType,
    content,
    detached: parsed.eContent === undefined,
    signers,
    certificates: parsed.certificates,
    crls: parsed.crls,
    allGood: signers.length > 0 && signers.every((s) => s.status === 'good'),
  };
}
