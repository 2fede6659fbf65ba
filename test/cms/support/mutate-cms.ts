/**
 * Builds deliberately wrong SignedData for the strict-verification tests: a real
 * signature over signed attributes that break exactly one rule, so that only the rule
 * under test can make verification fail.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest } from '../../../src/cms/digest';
import type { HashName, KeyOperator, SignatureScheme } from '../../../src/cms/key-operator';
import { subtle } from './env';

export function openSignedData(cms: Uint8Array): pkijs.SignedData {
  const info = pkijs.ContentInfo.fromBER(cms as Uint8Array<ArrayBuffer>);
  return new pkijs.SignedData({ schema: info.content });
}

export function encodeSignedData(signedData: pkijs.SignedData): Uint8Array {
  const info = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signedData.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

/** Replaces the first signer's signed attributes and signs them again with `signer`. */
export async function resign(
  cms: Uint8Array,
  signer: KeyOperator,
  mutate: (attributes: pkijs.Attribute[]) => pkijs.Attribute[],
  scheme: SignatureScheme = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
): Promise<Uint8Array> {
  const signedData = openSignedData(cms);
  const info = signedData.signerInfos[0]!;
  const attrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: mutate([...info.signedAttrs!.attributes]) });
  info.signedAttrs = attrs;
  const toSign = new Uint8Array(attrs.toSchema().toBER(false));
  toSign[0] = 0x31;
  const hash: HashName = scheme.hash;
  const signature = await signer.sign(await digest(subtle, hash, toSign), scheme);
  info.signature = new asn1js.OctetString({ valueHex: signature });
  return encodeSignedData(signedData);
}

export function attribute(type: string, ...values: asn1js.BaseBlock[]): pkijs.Attribute {
  return new pkijs.Attribute({ type, values });
}
