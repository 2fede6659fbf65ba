/**
 * The pipeline over Node's platform crypto (nodeCmsCrypto, which the command line uses):
 * the incremental digest that hashes a triple wrap's envelope as it is written and the
 * signed content where it lies, and AES-CBC decryption in place. Each gives the same
 * octets and verdicts as WebCrypto alone, `openssl cms` reads what it writes, and the
 * in-place decryption never touches octets someone else still reads.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeCmsCrypto } from '../../native-host/cli/commands/node-cms-crypto';
import { decryptCbc, type ContentAlgorithm } from '../../src/cms/content-encryption';
import { encryptContent } from '../../src/cms/encrypt';
import type { KeyOperator } from '../../src/cms/key-operator';
import { signableEntity } from '../../src/cms/signable-entity';
import { decryptPart } from '../../src/cms/smime-envelope';
import { walkEnvelopedData } from '../../src/cms/enveloped-data-walk';
import { decodedBody, partBytes } from '../../src/mime/part-access';
import { protectMessage } from '../../src/cms/smime-protect';
import { readMessage, type ReadResult } from '../../src/cms/read-message';
import type { CmsCrypto } from '../../src/cms/cms-crypto';
import { verifySmime } from '../../src/cms/smime-verify';
import { buildMessage } from '../../src/mime/build-message';
import { parseMessage } from '../../src/mime/parse';
import { isCachetError } from '../../src/errors';
import { crypto as webCrypto } from './envelope-helpers';
import { cachetUnwrap, opensslUnwrap } from './support/smime-layers';
import { makeTestPki, openssl, type Identity, type TestPki } from './support/openssl-pki';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const random = (bytes: Uint8Array): Uint8Array => webCrypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);

function plainMessage(from: Identity, to: Identity, attachmentBytes: number): Uint8Array {
  return buildMessage({
    kind: 'multipart', subtype: 'mixed', parts: [
      { kind: 'text', subtype: 'plain', text: 'Quarterly figures attached.\n' },
      { kind: 'attachment', content: new Uint8Array(randomBytes(attachmentBytes)), filename: 'figures.bin', contentType: 'application/octet-stream' },
    ],
  }, { from: { address: from.email }, to: [{ address: to.email }], subject: 'Figures' }, { random, forSigning: true });
}

describe('triple wrap with the incremental digest', () => {
  for (const signerKind of ['rsa', 'ec-p384'] as const) {
    it(`${signerKind}: openssl cms and Cachet (WebCrypto and Node) read all three layers`, async () => {
      const sender = pki.leaves[signerKind];
      const recipient = pki.leaves['ec-p256'];
      // Over 3 MiB, so the envelope is written and hashed in several slices.
      const plain = plainMessage(sender, recipient, 3 * 1024 * 1024 + 123);
      const message = await protectMessage(nodeCmsCrypto, plain, {
        sign: { signer: sender.operator, hash: 'SHA-384', chain: [pki.intermediate] },
        encrypt: { recipients: [recipient.certificate], sender: sender.certificate },
        tripleWrap: true,
      });
      const reader = { dir: pki.dir, caFile: pki.rootPath, certPath: recipient.certPath, keyPath: recipient.keyPath };
      const byOpenssl = opensslUnwrap(message, reader);
      expect(byOpenssl.layers).toEqual(['signed', 'enveloped', 'signed']);
      expect(byOpenssl.entity.equals(signableEntity(parseMessage(plain)))).toBe(true);
      for (const crypto of [webCrypto, nodeCmsCrypto]) {
        const byCachet = await cachetUnwrap(message, crypto, [recipient.operator]);
        expect(byCachet.layers).toEqual(['signed', 'enveloped', 'signed']);
        expect(byCachet.allGood).toBe(true);
      }
    });
  }

  it('a signature part longer than the room kept for it still gives a whole, valid message', async () => {
    const sender = pki.leaves.rsa;
    const recipient = pki.leaves['ec-p256'];
    // 600 announced capabilities make the outer SignedData far longer than its reserve.
    const capabilities = Array.from({ length: 600 }, (_, i) => ({ oid: `1.3.6.1.4.1.99999.${i + 1}` }));
    const message = await protectMessage(nodeCmsCrypto, plainMessage(sender, recipient, 4000), {
      sign: { signer: sender.operator, chain: [pki.intermediate], capabilities },
      encrypt: { recipients: [recipient.certificate] },
      tripleWrap: true,
    });
    const reader = { dir: pki.dir, caFile: pki.rootPath, certPath: recipient.certPath, keyPath: recipient.keyPath };
    expect(opensslUnwrap(message, reader).layers).toEqual(['signed', 'enveloped', 'signed']);
    expect((await cachetUnwrap(message, nodeCmsCrypto, [recipient.operator])).allGood).toBe(true);
  });

  it('a tampered envelope is a bad outer signature, hashed incrementally or not', async () => {
    const sender = pki.leaves.rsa;
    const recipient = pki.leaves['ec-p256'];
    const message = await protectMessage(nodeCmsCrypto, plainMessage(sender, recipient, 100_000), {
      sign: { signer: sender.operator }, encrypt: { recipients: [recipient.certificate] }, tripleWrap: true,
    });
    const text = Buffer.from(message).toString('latin1');
    // A base64 character in the middle of the envelope, changed to another.
    const at = text.indexOf('smime.p7m') + 20_000;
    const tampered = Buffer.from(message);
    tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
    for (const options of [{ subtle: webCrypto.subtle }, { subtle: nodeCmsCrypto.subtle, incrementalDigest: nodeCmsCrypto.incrementalDigest }]) {
      const verified = await verifySmime(parseMessage(tampered), options);
      expect(verified.allGood).toBe(false);
      expect((await verifySmime(parseMessage(message), options)).allGood).toBe(true);
    }
  });
});

describe('AES-CBC decryption in place', () => {
  const key = new Uint8Array(randomBytes(32));
  const algorithm: ContentAlgorithm = { cipher: 'aes-256-cbc', iv: new Uint8Array(randomBytes(16)), icvLength: 0 };

  async function webEncrypt(plain: Uint8Array): Promise<Uint8Array> {
    const cryptoKey = await webCrypto.subtle.importKey('raw', key, 'AES-CBC', false, ['encrypt']);
    return new Uint8Array(await webCrypto.subtle.encrypt({ name: 'AES-CBC', iv: algorithm.iv as Uint8Array<ArrayBuffer> }, cryptoKey, plain as Uint8Array<ArrayBuffer>));
  }

  for (const length of [0, 15, 16, 65_520, 65_536, 65_537, 300_001]) {
    it(`${length} octets: the same plaintext as WebCrypto, over the ciphertext only when it is owned`, async () => {
      const plain = new Uint8Array(randomBytes(length));
      const ciphertext = await webEncrypt(plain);
      const kept = ciphertext.slice();
      const byWeb = await decryptCbc(webCrypto, algorithm, key, { bytes: ciphertext, owned: true });
      expect(Buffer.from(byWeb).equals(plain)).toBe(true);
      const copied = await decryptCbc(nodeCmsCrypto, algorithm, key, { bytes: ciphertext, owned: false });
      expect(Buffer.from(copied).equals(plain)).toBe(true);
      expect(Buffer.from(ciphertext).equals(kept)).toBe(true);
      const inPlace = await decryptCbc(nodeCmsCrypto, algorithm, key, { bytes: ciphertext, owned: true });
      expect(Buffer.from(inPlace).equals(plain)).toBe(true);
      expect(inPlace.buffer).toBe(ciphertext.buffer);
    });
  }

  it('bad padding or a wrong key is cms/decrypt-failed, as with WebCrypto', async () => {
    const ciphertext = await webEncrypt(new Uint8Array(randomBytes(1000)));
    const wrongKey = new Uint8Array(randomBytes(32));
    for (const crypto of [webCrypto, nodeCmsCrypto]) {
      // A wrong key gives random padding, valid about once in 256 tries; try several keys.
      let failures = 0;
      for (let i = 0; i < 8; i++) {
        wrongKey.set(randomBytes(32));
        const outcome = await decryptCbc(crypto, algorithm, wrongKey, { bytes: ciphertext, owned: false }).then(() => 'ok', (e: unknown) => e);
        if (outcome !== 'ok') {
          expect(isCachetError(outcome) && outcome.code).toBe('cms/decrypt-failed');
          failures++;
        }
      }
      expect(failures).toBeGreaterThanOrEqual(6);
    }
    const truncated = ciphertext.subarray(0, 999);
    for (const crypto of [webCrypto, nodeCmsCrypto]) {
      await expect(decryptCbc(crypto, algorithm, key, { bytes: truncated, owned: false })).rejects.toMatchObject({ code: 'cms/decrypt-failed' });
    }
  });
});

describe('decrypting a message never changes octets another reader holds', () => {
  it('a binary-encoded envelope is decrypted from a copy; the message stays as received', async () => {
    const recipient = pki.leaves.rsa;
    const entity = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nsecret\r\n');
    const der = await encryptContent(webCrypto, entity, { recipients: [recipient.certificate] });
    const head = new TextEncoder().encode(
      'From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: binary\r\n\r\n',
    );
    // A Node Buffer too, whose slice() is a view rather than a copy.
    for (const message of [new Uint8Array(Buffer.concat([head, der])), Buffer.concat([head, der])]) {
      const received = Buffer.from(message);
      const decrypted = await decryptPart(nodeCmsCrypto, parseMessage(message), [recipient.operator]);
      expect(Buffer.from(decrypted.content).equals(entity)).toBe(true);
      expect(Buffer.from(message).equals(received)).toBe(true);
    }
  });

  it('chunked (BER, streamed) ciphertext from OpenSSL: joined where it lies when decoded from base64, copied when the message holds it', async () => {
    const recipient = pki.leaves.rsa;
    const entity = Buffer.from(`Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${randomBytes(30_000).toString('base64')}\r\n`);
    const input = join(pki.dir, 'chunked-in.txt');
    writeFileSync(input, entity);
    // -stream writes indefinite lengths and the ciphertext in 4 KiB pieces.
    const smime = openssl(['cms', '-encrypt', '-binary', '-aes256', '-stream', '-in', input, recipient.certPath]);
    const der = openssl(['cms', '-encrypt', '-binary', '-aes256', '-stream', '-outform', 'DER', '-in', input, recipient.certPath]);
    expect(der.subarray(0, 2).equals(Buffer.from([0x30, 0x80]))).toBe(true);
    const fromBase64 = await decryptPart(nodeCmsCrypto, parseMessage(smime), [recipient.operator]);
    expect(Buffer.from(fromBase64.content).equals(entity)).toBe(true);
    const head = Buffer.from('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: binary\r\n\r\n');
    const binary = new Uint8Array(Buffer.concat([head, der]));
    const received = binary.slice();
    const fromBinary = await decryptPart(nodeCmsCrypto, parseMessage(binary), [recipient.operator]);
    expect(Buffer.from(fromBinary.content).equals(entity)).toBe(true);
    expect(Buffer.from(binary).equals(received)).toBe(true);
  });

  it('a wrong key tried first leaves the ciphertext for the right one', async () => {
    const recipient = pki.leaves.rsa;
    const message = await protectMessage(webCrypto, buildMessage(
      { kind: 'text', subtype: 'plain', text: 'for the right key\n' },
      { from: { address: recipient.email }, to: [{ address: recipient.email }], subject: 'Keys' },
      { random },
    ), { encrypt: { recipients: [recipient.certificate] } });
    // Holds the recipient's certificate but not its key: the unwrapped key is noise, as a
    // token with the wrong key selected (or RSA's implicit rejection) would return. A noise
    // key whose padding happens to check out (1 in 256) would hide the message instead of
    // failing, so the test picks one that WebCrypto rejects.
    const envelope = walkEnvelopedData(decodedBody(parseMessage(message)), false);
    if (!envelope) throw new Error('the test message is not EnvelopedData');
    const { algorithm, ciphertext } = envelope.encryptedContentInfo;
    let noise = new Uint8Array(randomBytes(32));
    while (await decryptCbc(webCrypto, algorithm, noise, { bytes: ciphertext, owned: false }).then(() => true, () => false)) {
      noise = new Uint8Array(randomBytes(32));
    }
    const impostor: KeyOperator = {
      certificate: recipient.certificate,
      sign: () => Promise.reject(new Error('not used')),
      decryptKey: () => Promise.resolve(noise.slice()),
      deriveSharedSecret: () => Promise.reject(new Error('not used')),
    };
    for (let i = 0; i < 4; i++) {
      const decrypted = await decryptPart(nodeCmsCrypto, parseMessage(message), [impostor, recipient.operator]);
      expect(new TextDecoder().decode(decrypted.content)).toContain('for the right key');
    }
  });
});

describe('reading a message whose octets the reader may reuse (consumeSource)', () => {
  /** What a reader shows and reports, without the octets it points into. */
  const summary = (read: ReadResult) => ({
    layers: read.layers.map((layer) => (layer.kind === 'signed' ? `signed ${layer.layer.status} ${layer.shown}` : layer.kind)),
    content: Buffer.from(partBytes(read.content)).toString('hex'),
  });

  for (const cipher of ['aes-256-cbc', 'aes-128-gcm'] as const) {
    it(`${cipher}: the same layers and content as a reader that copies, decrypted over the encrypted body and nowhere else`, async () => {
      const sender = pki.leaves.rsa;
      const recipient = pki.leaves['ec-p256'];
      const message = await protectMessage(nodeCmsCrypto, plainMessage(sender, recipient, 300_000), {
        sign: { signer: sender.operator, chain: [pki.intermediate] },
        encrypt: { recipients: [recipient.certificate], cipher },
        tripleWrap: true,
      });
      const envelope = parseMessage(message).children[0];
      if (!envelope) throw new Error('not a triple wrap');
      for (const crypto of [nodeCmsCrypto, webCrypto] as CmsCrypto[]) {
        const options = { crypto, subtle: crypto.subtle, operators: [recipient.operator] };
        const copying = summary(await readMessage(message, options));
        const consumed = message.slice();
        const read = await readMessage(consumed, { ...options, consumeSource: true });
        expect(summary(read)).toEqual(copying);
        expect(copying.layers).toEqual(['signed good false', 'encrypted', 'signed good true']);
        // The header fields and the outer signature part are as received; only the envelope body changed.
        const { start, end } = envelope.bodyRange;
        expect(Buffer.from(consumed.subarray(0, start)).equals(Buffer.from(message.subarray(0, start)))).toBe(true);
        expect(Buffer.from(consumed.subarray(end)).equals(Buffer.from(message.subarray(end)))).toBe(true);
        expect(Buffer.from(consumed.subarray(start, end)).equals(Buffer.from(message.subarray(start, end)))).toBe(false);
        // Node decrypts CBC where the ciphertext lies, so the shown content is in the message's buffer.
        if (crypto === nodeCmsCrypto && cipher === 'aes-256-cbc') expect(read.content.source.buffer).toBe(consumed.buffer);
      }
    });
  }

  it('a reader that does not consume its source leaves every octet as received', async () => {
    const recipient = pki.leaves.rsa;
    const message = await protectMessage(webCrypto, plainMessage(recipient, recipient, 10_000), { encrypt: { recipients: [recipient.certificate] } });
    const received = message.slice();
    await readMessage(message, { crypto: nodeCmsCrypto, subtle: nodeCmsCrypto.subtle, operators: [recipient.operator] });
    expect(Buffer.from(message).equals(Buffer.from(received))).toBe(true);
  });
});
