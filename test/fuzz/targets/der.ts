/**
 * The ASN.1 readers on their own: asn1js through parseBer with the CMS accessors of
 * der-reader.ts applied to every element, the PKI layer's strict DER reader with its
 * decoders, and the BER walk, on mutated certificates, CRLs and CMS.
 */
import { derSeeds } from '../corpus';
import { simpleTarget, tolerate } from '../target';
import { berWalker, isConstructed, WalkRefused, type Tlv as WalkTlv } from '../../../src/cms/ber-walk';
import {
  algorithmOf,
  bitStringBytes,
  childrenOf,
  octetsOf,
  oidOf,
  parseBer,
  smallIntOf,
  type Block,
} from '../../../src/cms/der-reader';
import * as der from '../../../src/pki/der';

/** Elements visited per input: a flat SET of 100,000 tiny elements is not what this looks for. */
const MAX_ELEMENTS = 20_000;

function visitAsn1js(root: Block): void {
  const stack: Block[] = [root];
  for (let n = 0; n < MAX_ELEMENTS; n++) {
    const block = stack.pop();
    if (!block) return;
    const tag = block.idBlock.tagNumber;
    if (block.idBlock.isConstructed) {
      for (const child of tolerate(() => childrenOf(block, 'element')) ?? []) stack.push(child);
      if (tag === 16) tolerate(() => algorithmOf(block, 'algorithm'));
    }
    if (tag === 4) tolerate(() => octetsOf(block, 'octets'));
    if (tag === 6) tolerate(() => oidOf(block, 'oid'));
    if (tag === 2) tolerate(() => smallIntOf(block, 'integer', 2 ** 40));
    if (tag === 3) tolerate(() => bitStringBytes(block, 'bits'));
  }
}

function visitPkiDer(bytes: Uint8Array): void {
  const root = tolerate(() => der.readTlv(bytes));
  if (!root) return;
  const stack: der.Tlv[] = [root];
  for (let n = 0; n < MAX_ELEMENTS; n++) {
    const tlv = stack.pop();
    if (!tlv) return;
    if (tlv.constructed) {
      for (const child of tolerate(() => der.children(tlv, 10_000)) ?? []) stack.push(child);
      continue;
    }
    if (tlv.tagClass !== 0) continue;
    switch (tlv.tagNumber) {
      case der.TAG.OID: tolerate(() => der.decodeOid(tlv.value)); break;
      case der.TAG.INTEGER: tolerate(() => der.decodeSmallUnsigned(tlv.value, 'integer')); tolerate(() => der.decodeBigInt(tlv.value)); break;
      case der.TAG.BOOLEAN: tolerate(() => der.decodeBoolean(tlv)); break;
      case der.TAG.BIT_STRING: tolerate(() => der.decodeBitString(tlv.value)); break;
      case der.TAG.UTC_TIME: case der.TAG.GENERALIZED_TIME: tolerate(() => der.decodeTime(tlv)); break;
      default: tolerate(() => der.decodeString(tlv));
    }
  }
}

function visitWalk(bytes: Uint8Array): void {
  try {
    const walker = berWalker(bytes);
    const stack: WalkTlv[] = [walker.element(0, bytes.length)];
    for (let n = 0; n < MAX_ELEMENTS; n++) {
      const tlv = stack.pop();
      if (!tlv) return;
      if (isConstructed(tlv)) for (const child of walker.children(tlv)) stack.push(child);
    }
  } catch (error) {
    // The walk refuses what it cannot read; its callers then read the thorough way.
    if (!(error instanceof WalkRefused)) throw error;
  }
}

export const derTarget = simpleTarget('der', 'parseBer with the der-reader accessors, the strict PKI DER reader and the BER walk', derSeeds, (input) => {
  const root = tolerate(() => parseBer(input, 'fuzz input'));
  if (root) visitAsn1js(root);
  visitPkiDer(input);
  visitWalk(input);
});
