/**
 * The S/MIME message layer against OpenSSL: Cachet's multipart/signed and opaque
 * signed-data are accepted by `openssl cms -verify`, and OpenSSL's S/MIME output is
 * verified by Cachet over the exact received bytes (B12, B13).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningHash } from '../../src/cms/signed-data-sign';
import { signSmimeEntity } from '../../src/cms/smime-sign';
import { verifySmime } from '../../src/cms/smime-verify';
import { isCachetError } from '../../src/errors';
import { parseMessage } from '../../src/mime/parse';
import { concatBytes } from '../../src/mime/byte-sink';
import { makeTestPki, openssl, type LeafKind, type TestPki } from './support/openssl-pki';
import { ascii, subtle } from './support/env';

const entity = ascii([
  'Content-Type: text/plain; charset=us-ascii',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Hello from the S/MIME layer.',
  '--not-a-boundary',
  '',
].join('\r\n'));
const outerHeaders = ascii(`From: signer@example.org\r\nTo: bob@example.org\r\nSubject: test\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n`);

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const random = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

async function cachetMessage(kind: LeafKind, hash: SigningHash, opaque: boolean, pss = false): Promise<Uint8Array> {
  const smime = await signSmimeEntity(entity, {
    subtle, signer: pki.leaves[kind].operator, hash, opaque, rsaPss: pss, chain: [pki.intermediate], randomBytes: random,
  });
  return concatBytes([outerHeaders, smime]);
}

function opensslVerify(message: Uint8Array, name: string): Buffer {
  const path = join(pki.dir, `${name}.eml`);
  writeFileSync(path, message);
  return openssl(['cms', '-verify', '-in', path, '-CAfile', pki.rootPath]);
}

describe('Cachet S/MIME → openssl cms -verify', () => {
  const combos: [LeafKind, SigningHash, boolean][] = [
    ['rsa', 'SHA-256', false], ['rsa', 'SHA-512', true], ['ec-p256', 'SHA-256', false],
    ['ec-p384', 'SHA-384', false], ['ec-p521', 'SHA-512', false],
  ];
  for (const [kind, hash, pss] of combos) {
    for (const opaque of [false, true]) {
      it(`${kind}${pss ? ' PSS' : ''} ${hash} ${opaque ? 'opaque' : 'multipart/signed'}`, async () => {
        const message = await cachetMessage(kind, hash, opaque, pss);
        const text = Buffer.from(message).toString('latin1');
        if (opaque) {
          expect(text).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=signed-data;/);
        } else {
          expect(text).toContain(`micalg=${hash.toLowerCase()}`);
          expect(text).toContain('protocol="application/pkcs7-signature"');
        }
        const out = opensslVerify(message, `${kind}-${hash}-${opaque}`);
        expect(out.toString('latin1')).toContain('Hello from the S/MIME layer.');

        // And Cachet reads it back: one good layer whose content is the entity signed.
        const result = await verifySmime(parseMessage(message), { subtle });
        expect(result.allGood).toBe(true);
        expect(result.layers.map((l) => l.status)).toEqual(['good']);
        expect(Buffer.from(result.layers[0]!.verification!.content).equals(entity)).toBe(true);
      });
    }
  }

  it('a changed byte in the signed part is caught by both', async () => {
    const message = await cachetMessage('rsa', 'SHA-256', false);
    const text = Buffer.from(message).toString('latin1').replace('Hello from', 'Hello frum');
    const tampered = Buffer.from(text, 'latin1');
    expect(() => opensslVerify(tampered, 'tampered')).toThrow();
    const result = await verifySmime(parseMessage(tampered), { subtle });
    expect(result.allGood).toBe(false);
    expect(result.layers[0]?.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
  });

  it('refuses to sign an entity that is not canonical', async () => {
    try {
      await signSmimeEntity(ascii('Content-Type: text/plain\n\nbare LF\n'), { subtle, signer: pki.leaves.rsa.operator, randomBytes: random });
      expect.unreachable();
    } catch (error) {
      expect(isCachetError(error) && error.code).toBe('input/invalid');
    }
  });
});

describe('openssl cms -sign S/MIME → Cachet', () => {
  for (const kind of ['rsa', 'ec-p256', 'ec-p521'] as const) {
    for (const opaque of [false, true]) {
      it(`${kind} ${opaque ? 'opaque' : 'multipart/signed'}`, async () => {
        const input = join(pki.dir, 'entity.txt');
        const out = join(pki.dir, `${kind}-${opaque}.ossl.eml`);
        writeFileSync(input, entity);
        openssl(['cms', '-sign', '-binary', '-in', input, '-out', out, '-signer', pki.leaves[kind].certPath,
          '-inkey', pki.leaves[kind].keyPath, '-certfile', pki.intermediatePath, ...(opaque ? ['-nodetach'] : []),
          '-from', 'signer@example.org', '-to', 'bob@example.org', '-subject', 'from openssl']);
        const message = new Uint8Array(readFileSync(out));
        const result = await verifySmime(parseMessage(message), { subtle });
        expect(result.layers.map((l) => l.kind)).toEqual([opaque ? 'signed-data' : 'multipart-signed']);
        expect(result.allGood).toBe(true);
        expect(result.layers[0]?.signers[0]?.emailAddresses).toEqual([pki.leaves[kind].email]);
        expect(Buffer.from(result.layers[0]!.verification!.content).equals(entity)).toBe(true);
      });
    }
  }
});
