import { parseName, type DistinguishedName } from './distinguished-name';
import { children, decodeOid, malformed, readTlvAt, type Tlv } from './der';

/** GeneralName (RFC 5280 §4.2.1.6), decoded for the forms path validation compares. */
export type GeneralName =
  | { readonly kind: 'rfc822'; readonly value: string }
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array }
  | { readonly kind: 'directory'; readonly name: DistinguishedName }
  | { readonly kind: 'other'; readonly tag: number; readonly typeId?: string; readonly raw: Uint8Array };

const ia5 = new TextDecoder('latin1');

function ia5String(tlv: Tlv, what: string): string {
  for (const b of tlv.value) if (b > 0x7f) throw malformed(`${what}: not IA5`);
  return ia5.decode(tlv.value);
}

export function decodeGeneralName(tlv: Tlv): GeneralName {
  if (tlv.tagClass !== 2) throw malformed('GeneralName: expected a context tag');
  switch (tlv.tagNumber) {
    case 1:
      return { kind: 'rfc822', value: ia5String(tlv, 'rfc822Name') };
    case 2:
      return { kind: 'dns', value: ia5String(tlv, 'dNSName') };
    case 6:
      return { kind: 'uri', value: ia5String(tlv, 'uniformResourceIdentifier') };
    case 7:
      if (tlv.constructed) throw malformed('iPAddress: constructed');
      return { kind: 'ip', bytes: tlv.value };
    case 4: {
      // directoryName is EXPLICIT: [4] wraps a Name.
      const inner = readTlvAt(tlv.value, 0);
      if (inner.encoded.length !== tlv.value.length) throw malformed('directoryName: trailing data');
      return { kind: 'directory', name: parseName(inner.encoded) };
    }
    case 0: {
      // otherName: keep the type id so SmtpUTF8Mailbox (RFC 8398) can be read.
      const parts = children(tlv);
      const first = parts[0];
      const typeId = first && first.tagClass === 0 && first.tagNumber === 6 ? decodeOid(first.value) : undefined;
      return typeId === undefined ? { kind: 'other', tag: 0, raw: tlv.encoded } : { kind: 'other', tag: 0, typeId, raw: tlv.encoded };
    }
    default:
      return { kind: 'other', tag: tlv.tagNumber, raw: tlv.encoded };
  }
}

export function decodeGeneralNames(tlv: Tlv, limit = 10_000): GeneralName[] {
  return children(tlv, limit).map(decodeGeneralName);
}
