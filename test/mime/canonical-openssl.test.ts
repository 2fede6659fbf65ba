import { execFileSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildMessage } from '../../src/mime/build-message';
import type { MimeNode, RandomSource } from '../../src/mime/build-types';
import { buildCanonicalEntity } from '../../src/mime/canonical';

// OpenSSL is the interop peer (DESIGN.md, Real components): if it signs our canonical
// octets in binary mode and verifies them in text mode (which canonicalises line ends
// itself), the octets were already canonical; and it must parse the multipart/signed
// message we build around its signature.

const random: RandomSource = (bytes) => webcrypto.getRandomValues(bytes);
let dir = '';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs openssl and returns its exit status and stderr, for the verify steps. */
function opensslStatus(args: string[]): { status: number; stderr: string } {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stderr: '' };
  } catch (error) {
    const failure = error as { status?: number; stderr?: Buffer };
    return { status: failure.status ?? -1, stderr: failure.stderr?.toString() ?? '' };
  }
}

const content: MimeNode = {
  kind: 'multipart',
  subtype: 'mixed',
  parts: [
    {
      kind: 'multipart',
      subtype: 'alternative',
      parts: [
        { kind: 'text', subtype: 'plain', text: 'Grüße aus Köln!\nFrom the team.\n.\ntrailing space \n' + 'long line '.repeat(20) + '\n' },
        { kind: 'text', subtype: 'html', text: '<p>Grüße aus <b>Köln</b>!</p>\n' },
      ],
    },
    { kind: 'attachment', content: Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff), filename: 'Übersicht März.bin' },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-canonical-'));
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2',
    '-subj', '/CN=Cachet Test/emailAddress=alice@example.com',
    '-addext', 'keyUsage=digitalSignature', '-addext', 'extendedKeyUsage=emailProtection',
  ]);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('canonical entities with openssl cms', () => {
  it('signs in binary mode and verifies in text mode over the same octets', () => {
    const entity = buildCanonicalEntity(content, { random });
    writeFileSync(path.join(dir, 'entity.mime'), entity);
    openssl(['cms', '-sign', '-binary', '-in', 'entity.mime', '-signer', 'cert.pem', '-inkey', 'key.pem', '-md', 'sha256', '-outform', 'DER', '-out', 'sig.der']);
    const binary = opensslStatus(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'entity.mime', '-CAfile', 'cert.pem', '-out', 'out-binary.mime']);
    expect(binary).toEqual({ status: 0, stderr: '' });
    const text = opensslStatus(['cms', '-verify', '-inform', 'DER', '-in', 'sig.der', '-content', 'entity.mime', '-CAfile', 'cert.pem', '-out', 'out-text.mime']);
    expect(text).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(path.join(dir, 'out-binary.mime'))).toEqual(Buffer.from(entity));
  });

  it('fails to verify when one octet of the entity changes (the check can fail)', () => {
    const entity = buildCanonicalEntity(content, { random });
    writeFileSync(path.join(dir, 'entity2.mime'), entity);
    openssl(['cms', '-sign', '-binary', '-in', 'entity2.mime', '-signer', 'cert.pem', '-inkey', 'key.pem', '-outform', 'DER', '-out', 'sig2.der']);
    const tampered = Buffer.from(entity);
    const at = tampered.length - 3;
    tampered[at] = tampered[at]! ^ 1;
    writeFileSync(path.join(dir, 'tampered.mime'), tampered);
    const result = opensslStatus(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig2.der', '-content', 'tampered.mime', '-CAfile', 'cert.pem']);
    expect(result.status).not.toBe(0);
  });

  it('verifies a multipart/signed message built around openssl’s signature', () => {
    const entity = buildCanonicalEntity(content, { random });
    writeFileSync(path.join(dir, 'entity3.mime'), entity);
    openssl(['cms', '-sign', '-binary', '-in', 'entity3.mime', '-signer', 'cert.pem', '-inkey', 'key.pem', '-md', 'sha256', '-outform', 'DER', '-out', 'sig3.der']);
    const signature = new Uint8Array(readFileSync(path.join(dir, 'sig3.der')));
    const message = buildMessage(
      {
        kind: 'multipart',
        subtype: 'signed',
        parameters: { protocol: 'application/pkcs7-signature', micalg: 'sha-256' },
        parts: [
          { kind: 'prebuilt', bytes: entity },
          { kind: 'attachment', content: signature, contentType: 'application/pkcs7-signature', filename: 'smime.p7s' },
        ],
      },
      { from: { address: 'alice@example.com' }, to: [{ address: 'bob@example.org' }], subject: 'Signiert ✓' },
      { random },
    );
    writeFileSync(path.join(dir, 'signed.eml'), message);
    const result = opensslStatus(['cms', '-verify', '-in', 'signed.eml', '-CAfile', 'cert.pem', '-out', 'content.mime']);
    expect(result).toEqual({ status: 0, stderr: '' });
    expect(readFileSync(path.join(dir, 'content.mime'))).toEqual(Buffer.from(entity));
  });
});
