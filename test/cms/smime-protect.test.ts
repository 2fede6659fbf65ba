/**
 * The whole-message pipeline (B12, B14, B16, B18) over every combination of clear or
 * opaque signing, triple wrap or not, and sign only / encrypt only / both, with software
 * keys from a throw-away OpenSSL PKI. `openssl cms` reads each result (decrypting with a
 * recipient's key and verifying against the root), and so does Cachet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentCipherChoice } from '../../src/cms/encrypt';
import { HASH_OIDS } from '../../src/cms/oids';
import type { SigningHash } from '../../src/cms/signed-data-sign';
import { signableEntity } from '../../src/cms/signable-entity';
import { protectMessage, protectMessagePieces, type ProtectOptions } from '../../src/cms/smime-protect';
import { isCachetError } from '../../src/errors';
import { buildMessage } from '../../src/mime/build-message';
import { decodedText, fileName } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import { crypto } from './envelope-helpers';
import { cachetUnwrap, opensslUnwrap, type LayerKind } from './support/smime-layers';
import { makeTestPki, openssl, type Identity, type LeafKind, type TestPki } from './support/openssl-pki';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const TEXT = 'Grüße aus der Pipeline.\nFrom here on the body is signed.\n. a line with a dot\n';
const ATTACHMENT = new Uint8Array(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const random = (bytes: Uint8Array): Uint8Array => crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);

function plainMessage(from: Identity, to: Identity): Uint8Array {
  return buildMessage({
    kind: 'multipart', subtype: 'mixed', parts: [
      { kind: 'text', subtype: 'plain', text: TEXT },
      { kind: 'attachment', content: ATTACHMENT, filename: 'bericht-ü.bin', contentType: 'application/octet-stream' },
    ],
  }, { from: { name: 'Sender Ä', address: from.email }, to: [{ address: to.email }], subject: 'Geheime Grüße' }, { random, forSigning: true });
}

type Mode = 'sign' | 'encrypt' | 'both';

/** Outermost first: sign-then-encrypt is read as an envelope around a signature. */
function expectedLayers(mode: Mode, tripleWrap: boolean): LayerKind[] {
  if (mode === 'sign') return ['signed'];
  if (mode === 'encrypt') return ['enveloped'];
  return tripleWrap ? ['signed', 'enveloped', 'signed'] : ['enveloped', 'signed'];
}

const CASES: { mode: Mode; opaque: boolean; tripleWrap: boolean; cipher: ContentCipherChoice }[] = [];
for (const mode of ['sign', 'encrypt', 'both'] as const) {
  for (const opaque of [false, true]) {
    for (const tripleWrap of [false, true]) {
      for (const cipher of ['aes-256-cbc', 'aes-256-gcm'] as const) CASES.push({ mode, opaque, tripleWrap, cipher });
    }
  }
}
const SIGNERS: readonly LeafKind[] = ['rsa', 'ec-p384'];
const HASHES: readonly SigningHash[] = ['SHA-256', 'SHA-384', 'SHA-512'];

describe('protectMessage × openssl cms and Cachet', () => {
  CASES.forEach(({ mode, opaque, tripleWrap, cipher }, index) => {
    const signerKind = SIGNERS[index % SIGNERS.length] as LeafKind;
    const hash = HASHES[index % HASHES.length] as SigningHash;
    const name = `${mode} ${opaque ? 'opaque' : 'clear'} ${tripleWrap ? 'triple' : 'single'} ${cipher} ${signerKind} ${hash}`;
    it(name, async () => {
      const sender = pki.leaves[signerKind];
      const recipient = pki.leaves['ec-p256'];
      const other = pki.leaves.rsa === sender ? pki.leaves['ec-p521'] : pki.leaves.rsa;
      const plain = plainMessage(sender, recipient);
      const options: ProtectOptions = {
        tripleWrap,
        ...(mode !== 'encrypt' ? { sign: { signer: sender.operator, hash, opaque, chain: [pki.intermediate, pki.root] } } : {}),
        ...(mode !== 'sign' ? { encrypt: { recipients: [recipient.certificate, other.certificate], sender: sender.certificate, cipher } } : {}),
      };
      const message = await protectMessage(crypto, plain, options);
      const text = Buffer.from(message).toString('latin1');
      const head = text.slice(0, text.indexOf('\r\n\r\n'));
      // The message's own fields stay outside every layer; MIME-Version is there once.
      expect(head).toMatch(/^Date: .*\r\nFrom: =\?UTF-8\?/);
      expect(head).toContain('Subject: Geheime =?UTF-8?');
      expect(head.match(/^MIME-Version:/gm)).toHaveLength(1);
      expect(text).not.toContain('Grüße');

      const expectedEntity = signableEntity(parseMessage(plain));
      const layers = expectedLayers(mode, tripleWrap);
      const reader = { dir: pki.dir, caFile: pki.rootPath, certPath: recipient.certPath, keyPath: recipient.keyPath };
      const byOpenssl = opensslUnwrap(message, reader);
      expect(byOpenssl.layers).toEqual(layers);
      expect(byOpenssl.entity.toString('latin1').replace(/\r\n/g, '\n')).toBe(Buffer.from(expectedEntity).toString('latin1').replace(/\r\n/g, '\n'));

      const byCachet = await cachetUnwrap(message, crypto, [recipient.operator]);
      expect(byCachet.layers).toEqual(layers);
      expect(byCachet.allGood).toBe(true);
      expect(byCachet.signers.length).toBe(layers.filter((l) => l === 'signed').length);
      for (const signer of byCachet.signers) expect(signer.digestAlgorithm).toBe(HASH_OIDS[hash]);
      const [body, file] = byCachet.entity.children;
      expect(decodedText(body!)).toBe(TEXT.replace(/\n/g, '\r\n'));
      expect(fileName(file!)).toBe('bericht-ü.bin');

      if (mode !== 'sign') {
        // B14: the sender's own key opens it too, and so does the second recipient's.
        for (const who of [sender, other]) {
          expect(opensslUnwrap(message, { ...reader, certPath: who.certPath, keyPath: who.keyPath }).layers).toEqual(layers);
        }
        const outerType = /^Content-Type: ([^;]+); smime-type=(\S+);/m.exec(text.slice(text.indexOf('\r\nMIME-Version')));
        if (!tripleWrap || mode === 'encrypt') {
          expect(outerType?.[2]).toBe(cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data');
        }
      }
    });
  });
});

describe('what the signatures carry (B18)', () => {
  it('the signer certificate and the intermediates, never the self-signed root', async () => {
    const sender = pki.leaves.rsa;
    const message = await protectMessage(crypto, plainMessage(sender, pki.leaves['ec-p256']), {
      sign: { signer: sender.operator, hash: 'SHA-256', opaque: true, chain: [pki.intermediate, pki.root] },
    });
    const input = join(pki.dir, 'certs-in.eml');
    const certs = join(pki.dir, 'certs-out.pem');
    writeFileSync(input, message);
    openssl(['cms', '-verify', '-in', input, '-CAfile', pki.rootPath, '-certsout', certs]);
    const subjects = openssl(['crl2pkcs7', '-nocrl', '-certfile', certs]).toString();
    const listed = openssl(['pkcs7', '-print_certs', '-noout'], Buffer.from(subjects)).toString();
    expect(listed).toContain('CN = rsa signer');
    expect(listed).toContain('CN = Cachet Test Intermediate');
    expect(listed).not.toContain('subject=O = Cachet Test, CN = Cachet Test Root');
    expect(readFileSync(certs, 'latin1').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('the clear-signed micalg names the digest of signingAlgorithms', async () => {
    const sender = pki.leaves.rsa;
    const message = await protectMessage(crypto, plainMessage(sender, pki.leaves['ec-p256']), {
      sign: { signer: sender.operator, hash: 'SHA-512', opaque: false },
    });
    expect(Buffer.from(message).toString('latin1')).toMatch(/multipart\/signed; protocol="application\/pkcs7-signature";\r\n micalg=sha-512;/);
  });
});

describe('messages written by hand', () => {
  // With CRLF throughout, the content fields and body are one run that looks signable
  // until the canonical check finds the 8-bit octets: the digest started early on that run
  // must not be the one signed.
  for (const [ends, lineEnd] of [['LF', '\n'], ['CRLF', '\r\n']] as const) {
    it(`an 8-bit body with ${ends} line ends is re-encoded before signing, and both readers agree`, async () => {
      const sender = pki.leaves.rsa;
      const recipient = pki.leaves['ec-p256'];
      const raw = new TextEncoder().encode([
        `From: ${sender.email}`, `To: ${recipient.email}`, 'Subject: by hand', 'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Grüße, written by hand.', '',
      ].join(lineEnd));
      const reader = { dir: pki.dir, caFile: pki.rootPath, certPath: recipient.certPath, keyPath: recipient.keyPath };
      for (const encrypt of [undefined, { recipients: [recipient.certificate], sender: sender.certificate }]) {
        const message = await protectMessage(crypto, raw, {
          tripleWrap: true,
          sign: { signer: sender.operator, hash: 'SHA-256', opaque: false, chain: [pki.intermediate] },
          ...(encrypt ? { encrypt } : {}),
        });
        const byOpenssl = opensslUnwrap(message, reader);
        expect(byOpenssl.layers).toEqual(encrypt ? ['signed', 'enveloped', 'signed'] : ['signed']);
        expect(byOpenssl.entity.toString('latin1')).toContain('Content-Transfer-Encoding: quoted-printable');
        const byCachet = await cachetUnwrap(message, crypto, [recipient.operator]);
        expect(byCachet.allGood).toBe(true);
        expect(decodedText(byCachet.entity)).toBe('Grüße, written by hand.\r\n');
      }
    });
  }

  it('with neither layer asked, the message is returned as it was', async () => {
    const raw = new TextEncoder().encode('From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n');
    expect(await protectMessage(crypto, raw, { tripleWrap: true })).toBe(raw);
  });

  it('gives a clear signature as pieces, the signed content a view of the message, joined by protectMessage', async () => {
    const sender = pki.leaves.rsa;
    const raw = plainMessage(sender, sender);
    const pieces = await protectMessagePieces(crypto, raw, { sign: { signer: sender.operator, chain: [pki.intermediate] } });
    // Canonical already, the entity is the message's octets from its Content-* fields on.
    const entity = signableEntity(parseMessage(raw));
    expect(entity.buffer).toBe(raw.buffer);
    const same = (piece: Uint8Array) => piece.buffer === raw.buffer && piece.byteOffset === entity.byteOffset && piece.length === entity.length;
    expect(pieces.filter(same)).toHaveLength(1);
    const joined = Buffer.concat(pieces);
    const reader = { dir: pki.dir, caFile: pki.rootPath, certPath: sender.certPath, keyPath: sender.keyPath };
    expect(opensslUnwrap(joined, reader).layers).toEqual(['signed']);
    // The signature differs from run to run (signingTime), the layout does not.
    const whole = await protectMessage(crypto, raw, { sign: { signer: sender.operator, chain: [pki.intermediate] } });
    expect(whole.length).toBe(joined.length);
  });

  it('refuses to encrypt to nobody, with a typed error', async () => {
    const raw = new TextEncoder().encode('From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n');
    const error: unknown = await protectMessage(crypto, raw, { encrypt: { recipients: [] } }).catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('cms/no-recipient');
  });

  it('refuses to sign 8-bit content inside a multipart, which it cannot re-encode', async () => {
    const sender = pki.leaves.rsa;
    const raw = new TextEncoder().encode([
      'From: a@example.org', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=b', '', '--b',
      'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Grüße', '--b--', '',
    ].join('\r\n'));
    const error: unknown = await protectMessage(crypto, raw, { sign: { signer: sender.operator } }).catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('input/invalid');
  });
});
