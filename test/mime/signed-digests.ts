import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { decodedBody, parseMessage, partBytes, type MimePart } from '../../src/mime';

/**
 * Walks a parsed message to every signature reachable without decryption and compares
 * each SignerInfo's messageDigest signed attribute (RFC 5652 §11.2) with the digest of
 * the bytes the parser says were signed: the first part of a multipart/signed (its raw
 * range, RFC 1847 §2.1), or the eContent of an opaque or detached SignedData.
 */

export interface DigestCheck {
  /** Where in the tree: part indexes from the root, `e` entering an opaque eContent. */
  readonly where: string;
  /** `mime-part`: multipart/signed first part; `econtent`: encapsulated content. */
  readonly over: 'mime-part' | 'econtent';
  readonly algorithm: string;
  /** The digest of the exact bytes equals messageDigest. */
  readonly match: boolean;
  /** The digest after rewriting every line break to CRLF (RFC 8551 §3.1.1 canonical form) does. */
  readonly canonicalMatch: boolean;
}

const digestNames: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
  '1.2.840.113549.2.5': 'md5',
};

const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNED_DATA = '1.2.840.113549.1.7.2';

function signedDataOf(der: Uint8Array): pkijs.SignedData {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(`CMS does not parse: ${parsed.result.error}`);
  const info = new pkijs.ContentInfo({ schema: parsed.result });
  if (info.contentType !== SIGNED_DATA) throw new Error(`not SignedData: ${info.contentType}`);
  return new pkijs.SignedData({ schema: info.content });
}

/** eContent as bytes; BER senders (NSS) split it into a constructed OCTET STRING. */
function octets(value: asn1js.OctetString): Uint8Array {
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView;
  const chunks = (value.valueBlock.value as asn1js.OctetString[]).map(octets);
  return Buffer.concat(chunks);
}

function messageDigest(signer: pkijs.SignerInfo): Uint8Array {
  const attribute = signer.signedAttrs?.attributes.find((a) => a.type === MESSAGE_DIGEST);
  const value = attribute?.values[0] as asn1js.OctetString | undefined;
  if (!value) throw new Error('SignerInfo without messageDigest attribute');
  return value.valueBlock.valueHexView;
}

/** Rewrites bare LF (and lone CR) line breaks to CRLF. */
export function toCrlf(bytes: Uint8Array): Buffer {
  return Buffer.from(Buffer.from(bytes).toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

function compare(signed: pkijs.SignedData, content: Uint8Array, where: string, over: DigestCheck['over']): DigestCheck[] {
  return signed.signerInfos.map((signer) => {
    const oid = signer.digestAlgorithm.algorithmId;
    const algorithm = digestNames[oid];
    if (!algorithm) throw new Error(`unknown digest algorithm ${oid} at ${where}`);
    const expected = messageDigest(signer);
    const match = createHash(algorithm).update(content).digest().equals(expected);
    const canonicalMatch = createHash(algorithm).update(toCrlf(content)).digest().equals(expected);
    return { where, over, algorithm, match, canonicalMatch };
  });
}

export function signatureDigestChecks(part: MimePart, where = 'root'): DigestCheck[] {
  const checks: DigestCheck[] = [];
  if (part.smimeKind === 'multipart-signed') {
    const [content, signature] = part.children;
    if (!content || signature?.smimeKind !== 'detached-signature') throw new Error(`malformed multipart/signed at ${where}`);
    const signed = signedDataOf(decodedBody(signature));
    checks.push(...compare(signed, partBytes(content), where, 'mime-part'));
    const eContent = signed.encapContentInfo.eContent;
    if (eContent) checks.push(...compare(signed, octets(eContent), `${where}/1`, 'econtent'));
  } else if (part.smimeKind === 'signed-data') {
    const signed = signedDataOf(decodedBody(part));
    const eContent = signed.encapContentInfo.eContent;
    if (!eContent) throw new Error(`opaque SignedData without content at ${where}`);
    const content = octets(eContent);
    checks.push(...compare(signed, content, where, 'econtent'));
    checks.push(...signatureDigestChecks(parseMessage(content), `${where}/e`));
  }
  part.children.forEach((child, i) => checks.push(...signatureDigestChecks(child, `${where}/${i}`)));
  return checks;
}
