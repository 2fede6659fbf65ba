/**
 * EnvelopedData read with the ciphertext located by a BER walk (ber-walk.ts) instead of
 * asn1js: streamed messages carry the ciphertext as thousands of small OCTET STRINGs, and
 * a tree with objects for each of them costs more than decrypting it. Every field but the
 * ciphertext is still parsed by asn1js and checked by the same rules (envelopedDataOf),
 * so this only changes how the ciphertext is found. Input the walk does not understand
 * gives undefined, and the caller reads the message the thorough way.
 */
import { berWalker, isConstructed, WalkRefused, type BerWalker, type Tlv } from './ber-walk';
import { joinPieces, oidOf, parseBer, type Block } from './der-reader';
import { encryptedContentInfoOf } from './encrypted-content-info';
import { envelopedDataOf, type ParsedEnvelopedData } from './enveloped-data';
import { OID_ENVELOPED_DATA } from './oids';

const SEQUENCE = 0x30;
const CONTEXT_0_CONSTRUCTED = 0xa0;
const CONTEXT_0_PRIMITIVE = 0x80;
const OCTET_STRING = 0x04;
const OCTET_STRING_CONSTRUCTED = 0x24;
/** As deep as constructed OCTET STRINGs may nest inside each other here (as der-reader allows). */
const MAX_PIECE_DEPTH = 8;

function only(tlvs: readonly Tlv[], identifier: number): Tlv {
  const [first, ...rest] = tlvs;
  if (!first || rest.length > 0 || first.identifier !== identifier) throw new WalkRefused('unexpected layout');
  return first;
}

/** The contents of the primitive OCTET STRINGs inside a constructed one, in order. */
function pieces(walk: BerWalker, bytes: Uint8Array, parent: Tlv, depth: number, out: Uint8Array[]): void {
  if (depth > MAX_PIECE_DEPTH) throw new WalkRefused('pieces nested too deep');
  for (const child of walk.children(parent)) {
    if (child.identifier === OCTET_STRING) out.push(bytes.subarray(child.contentStart, child.contentEnd));
    else if (child.identifier === OCTET_STRING_CONSTRUCTED) pieces(walk, bytes, child, depth + 1, out);
    else throw new WalkRefused('not an OCTET STRING piece');
  }
}

/** The EnvelopedData of a ContentInfo, or undefined when it is something else or not walkable. */
export function walkEnvelopedData(der: Uint8Array, joinInPlace: boolean): ParsedEnvelopedData | undefined {
  const block = (tlv: Tlv): Block => parseBer(der.subarray(tlv.start, tlv.end), 'EnvelopedData field', 'cms/malformed');
  try {
    const walk = berWalker(der);
    const contentInfo = walk.element(0, der.length);
    if (contentInfo.identifier !== SEQUENCE || contentInfo.end !== der.length) return undefined;
    const [typeTlv, contentTlv, ...more] = walk.children(contentInfo);
    if (!typeTlv || !contentTlv || more.length > 0 || contentTlv.identifier !== CONTEXT_0_CONSTRUCTED) return undefined;
    if (oidOf(block(typeTlv), 'ContentInfo contentType') !== OID_ENVELOPED_DATA) return undefined;
    const fields = walk.children(only(walk.children(contentTlv), SEQUENCE));
    // Each field parsed once, however often the rules look at it.
    const parsed = new Map<number, Block>();
    return envelopedDataOf(
      fields.length,
      (i) => {
        const tlv = fields[i];
        if (!tlv) return undefined;
        const known = parsed.get(i) ?? block(tlv);
        parsed.set(i, known);
        return known;
      },
      (i) => {
        const info = fields[i] as Tlv;
        if (info.identifier !== SEQUENCE) throw new WalkRefused('EncryptedContentInfo is not a SEQUENCE');
        const [typeField, algorithmField, content, ...extra] = walk.children(info);
        if (!typeField || !algorithmField || extra.length > 0) throw new WalkRefused('unexpected EncryptedContentInfo');
        const present = content !== undefined && (content.identifier & 0xdf) === CONTEXT_0_PRIMITIVE;
        return encryptedContentInfoOf(block(typeField), block(algorithmField), present, () => {
          const ciphertext = content as Tlv;
          if (!isConstructed(ciphertext)) return der.subarray(ciphertext.contentStart, ciphertext.contentEnd);
          const parts: Uint8Array[] = [];
          pieces(walk, der, ciphertext, 0, parts);
          if (parts.length === 0) return new Uint8Array(0);
          return joinPieces(parts, joinInPlace);
        });
      },
    );
  } catch (error) {
    if (error instanceof WalkRefused) return undefined;
    throw error;
  }
}
