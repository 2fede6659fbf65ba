/**
 * EnvelopedData read by the BER walk (enveloped-data-walk.ts) gives what the asn1js
 * reader gives, for definite and streamed (indefinite, chunked) encodings; whatever the
 * walk does not take falls back to the asn1js reader rather than being misread.
 */
import { describe, expect, it } from 'vitest';
import { berWalker, WalkRefused } from '../../src/cms/ber-walk';
import { parseBer, childrenOf } from '../../src/cms/der-reader';
import { readEnvelopedData } from '../../src/cms/enveloped-data';
import { walkEnvelopedData } from '../../src/cms/enveloped-data-walk';
import { crypto, openssl, SMIME_CERTS } from './envelope-helpers';
import { encryptContent } from '../../src/cms/encrypt';
import { readPemCertificates } from '../../native-host/keys/pem';
import { readFileSync } from 'node:fs';

const recipient = readPemCertificates(readFileSync(`${SMIME_CERTS}/smrsa1.pem`))[0] as Uint8Array;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\n' + 'streamed content '.repeat(2000));

function byAsn1js(der: Uint8Array): ReturnType<typeof readEnvelopedData> {
  const [, wrapper] = childrenOf(parseBer(der, 'test'), 'ContentInfo');
  const [envelopedData] = childrenOf(wrapper, 'content');
  if (!envelopedData) throw new Error('no EnvelopedData');
  return readEnvelopedData(envelopedData);
}

function streamed(): Uint8Array {
  // OpenSSL re-encodes as streamed BER: indefinite lengths, ciphertext in 4 KiB pieces.
  return new Uint8Array(openssl(['cms', '-encrypt', '-binary', '-aes256', '-stream', '-outform', 'DER', `${SMIME_CERTS}/smrsa1.pem`], content));
}

describe('walkEnvelopedData', () => {
  it('reads Cachet\'s definite-length EnvelopedData as asn1js does', async () => {
    const der = await encryptContent(crypto, content, { recipients: [recipient] });
    const walked = walkEnvelopedData(der, false);
    const reference = byAsn1js(der);
    expect(walked?.recipientInfos.length).toBe(reference.recipientInfos.length);
    expect(walked?.encryptedContentInfo.algorithm).toEqual(reference.encryptedContentInfo.algorithm);
    expect(Buffer.from(walked?.encryptedContentInfo.ciphertext ?? []).equals(Buffer.from(reference.encryptedContentInfo.ciphertext))).toBe(true);
  });

  it('joins streamed pieces as asn1js does, in place only when asked', () => {
    const der = streamed();
    expect(der[1]).toBe(0x80);
    const reference = byAsn1js(der);
    const kept = der.slice();
    const copied = walkEnvelopedData(der, false);
    expect(Buffer.from(copied?.encryptedContentInfo.ciphertext ?? []).equals(Buffer.from(reference.encryptedContentInfo.ciphertext))).toBe(true);
    expect(der).toEqual(kept);
    const inPlace = walkEnvelopedData(der, true);
    expect(inPlace?.encryptedContentInfo.ciphertext.buffer).toBe(der.buffer);
    expect(Buffer.from(inPlace?.encryptedContentInfo.ciphertext ?? []).equals(Buffer.from(reference.encryptedContentInfo.ciphertext))).toBe(true);
  });

  it('leaves other content types and trailing octets to the asn1js reader', async () => {
    const der = await encryptContent(crypto, content, { recipients: [recipient], cipher: 'aes-128-gcm' });
    expect(walkEnvelopedData(der, false)).toBeUndefined();
    const enveloped = await encryptContent(crypto, content, { recipients: [recipient] });
    const trailing = new Uint8Array([...enveloped, 0, 0]);
    expect(walkEnvelopedData(trailing, false)).toBeUndefined();
    expect(walkEnvelopedData(enveloped.subarray(0, enveloped.length - 5), false)).toBeUndefined();
  });
});

describe('berWalker', () => {
  it('finds the end of nested indefinite-length elements', () => {
    const bytes = Uint8Array.from([0x30, 0x80, 0xa0, 0x80, 0x04, 0x01, 0x61, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00]);
    const walk = berWalker(bytes);
    const top = walk.element(0, bytes.length);
    expect(top.end).toBe(bytes.length);
    expect(walk.children(top).map((c) => c.identifier)).toEqual([0xa0, 0x04]);
  });

  it('refuses what it does not read: high tag numbers, indefinite primitives, overruns, endless nesting', () => {
    const cases = [
      Uint8Array.from([0x1f, 0x81, 0x00, 0x00]),
      Uint8Array.from([0x04, 0x80, 0x00, 0x00]),
      Uint8Array.from([0x30, 0x05, 0x04, 0x01]),
      Uint8Array.from([0x30, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00]),
      Uint8Array.from([...Array.from({ length: 40 }, () => [0x30, 0x80]).flat(), ...new Array<number>(80).fill(0)]),
    ];
    for (const bytes of cases) expect(() => berWalker(bytes).element(0, bytes.length)).toThrow(WalkRefused);
  });
});
