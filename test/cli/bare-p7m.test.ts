/**
 * `cachet decrypt` and `cachet open` read a bare smime.p7m, as webmails offer an encrypted
 * message's attachment on its own: OpenSSL writes EnvelopedData, AuthEnvelopedData and
 * opaque SignedData for the Thunderbird corpus's Bob and Alice in DER, PEM and base64, and
 * what Cachet decrypts must be what `openssl cms -decrypt` decrypts. Input that is not
 * CMS ends in exit 2 with a typed error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openssl } from '../cms/support/openssl-pki';
import { runCachet } from '../support/run-cachet';

const SMIME = '../shared/corpora/thunderbird-smime/mailnews/test/data/smime';
const CA = `${SMIME}/TestCA.pem`;
const BOB = ['--p12', `${SMIME}/Bob.p12`, '--pass', 'nss'];

const content = 'Content-Type: text/plain; charset=utf-8\r\n\r\nA bare smime.p7m for Bob, from Alice.\r\n';

interface OpenJson {
  encrypted: boolean;
  signed: boolean;
  signatureGood: boolean;
  bareFile?: string;
  signers: { address: string | null; status: string }[];
  text: string;
  layers: { kind: string; cipher?: string; signers?: { fromMatches: boolean | null; signature: string }[] }[];
}

let dir: string;
const path = (name: string): string => join(dir, name);

/** The PEM certificate and key of a corpus identity, for OpenSSL. */
function extract(name: string): { cert: string; key: string } {
  const p12 = ['-in', `${SMIME}/${name}.p12`, '-passin', 'pass:nss'];
  openssl(['pkcs12', ...p12, '-nokeys', '-clcerts', '-out', path(`${name}.pem`)]);
  openssl(['pkcs12', ...p12, '-nocerts', '-nodes', '-out', path(`${name}.key`)]);
  return { cert: path(`${name}.pem`), key: path(`${name}.key`) };
}

let bob: { cert: string; key: string };
let alice: { cert: string; key: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cachet-bare-p7m-'));
  bob = extract('Bob');
  alice = extract('Alice');
  writeFileSync(path('content.txt'), content);
  openssl(['cms', '-encrypt', '-binary', '-in', path('content.txt'), '-aes-256-cbc', '-outform', 'DER', '-out', path('cbc.der'), bob.cert]);
  openssl(['cms', '-encrypt', '-binary', '-in', path('content.txt'), '-aes-256-gcm', '-outform', 'DER', '-out', path('gcm.der'), bob.cert]);
  openssl(['cms', '-encrypt', '-binary', '-in', path('content.txt'), '-aes-256-cbc', '-outform', 'PEM', '-out', path('cbc.pem'), bob.cert]);
  // Streamed: BER with indefinite lengths, as NSS and OpenSSL write large messages.
  openssl(['cms', '-encrypt', '-binary', '-stream', '-in', path('content.txt'), '-aes-128-cbc', '-outform', 'DER', '-out', path('streamed.der'), bob.cert]);
  writeFileSync(path('cbc.b64'), readFileSync(path('cbc.der')).toString('base64').replace(/.{76}/g, '$&\r\n'));
  openssl(['cms', '-sign', '-nodetach', '-binary', '-in', path('content.txt'), '-signer', alice.cert, '-inkey', alice.key, '-outform', 'DER', '-out', path('signed.der')]);
  // Sign (opaque, as S/MIME), then encrypt that entity: the decrypted content is read on as usual.
  openssl(['cms', '-sign', '-nodetach', '-binary', '-in', path('content.txt'), '-signer', alice.cert, '-inkey', alice.key, '-out', path('signed.eml')]);
  openssl(['cms', '-encrypt', '-binary', '-in', path('signed.eml'), '-aes-256-cbc', '-outform', 'DER', '-out', path('signed-enc.der'), bob.cert]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function opensslDecrypt(der: string): Buffer {
  return openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', der, '-recip', bob.cert, '-inkey', bob.key]);
}

async function openJson(args: readonly string[]): Promise<OpenJson> {
  const run = await runCachet(['open', '--json', ...args]);
  expect(run.err).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.out) as OpenJson;
}

describe('cachet decrypt: a bare smime.p7m', () => {
  it.each(['cbc.der', 'gcm.der', 'streamed.der', 'cbc.pem', 'cbc.b64'])('%s decrypts to what OpenSSL decrypts', async (file) => {
    const run = await runCachet(['decrypt', ...BOB, path(file)]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const der = file.endsWith('.der') ? path(file) : path('cbc.der');
    const expected = opensslDecrypt(der);
    expect(expected.toString()).toBe(content);
    // The decrypted entity, made a whole message: it had no MIME-Version of its own.
    expect(run.out).toBe(`MIME-Version: 1.0\r\n${expected.toString()}`);
  });

  it('reads standard input and a key given as PEM files', async () => {
    const run = await runCachet(['decrypt', '--cert', bob.cert, '--key', bob.key, '-'], readFileSync(path('gcm.der')));
    expect(run.code).toBe(0);
    expect(run.out).toBe(`MIME-Version: 1.0\r\n${content}`);
  });

  it('is not opened by a key it was not encrypted to', async () => {
    const run = await runCachet(['decrypt', '--p12', `${SMIME}/Eve.p12`, '--pass', 'nss', path('cbc.der')]);
    expect(run.code).toBe(2);
    expect(run.err).toContain('cms/no-recipient');
  });
});

describe('cachet open: a bare smime.p7m', () => {
  it.each([
    ['cbc.der', 'der', 'aes-256-cbc'],
    ['gcm.der', 'der', 'aes-256-gcm'],
    ['cbc.pem', 'pem', 'aes-256-cbc'],
    ['cbc.b64', 'base64', 'aes-256-cbc'],
  ])('%s: decrypted and shown, said to be bare (%s)', async (file, bare, cipher) => {
    const report = await openJson([...BOB, path(file)]);
    expect(report).toMatchObject({ encrypted: true, signed: false, bareFile: bare, text: 'A bare smime.p7m for Bob, from Alice.\r\n' });
    expect(report.layers[0]).toMatchObject({ kind: 'encrypted', cipher });
  });

  it('verifies an opaque signature, without comparing the signer with a sender that is not there', async () => {
    const report = await openJson(['--trust', CA, path('signed.der')]);
    expect(report).toMatchObject({ encrypted: false, signed: true, signatureGood: true, bareFile: 'der' });
    expect(report.signers).toEqual([{ address: 'Alice@example.com', status: 'good' }]);
    expect(report.layers[0]?.signers?.[0]).toMatchObject({ signature: 'good', fromMatches: null });
    expect(report.text).toBe('A bare smime.p7m for Bob, from Alice.\r\n');
    // OpenSSL agrees that the signature is good.
    expect(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', path('signed.der'), '-CAfile', CA]).toString()).toBe(content);
  });

  it('still refuses a signer whose certificate is not trusted', async () => {
    const report = await openJson([path('signed.der')]);
    expect(report.signatureGood).toBe(false);
    expect(report.signers[0]?.status).toBe('untrusted');
  });

  it('reads the signed content inside a bare encrypted file as usual', async () => {
    const report = await openJson([...BOB, '--trust', CA, path('signed-enc.der')]);
    expect(report).toMatchObject({ encrypted: true, signed: true, signatureGood: true, bareFile: 'der' });
    expect(report.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed-data']);
  });

  it('reads the base64 body of a webmail attachment (Thunderbird corpus)', async () => {
    const eml = readFileSync(`${SMIME}/alice.sig.SHA256.opaque.eml`, 'latin1');
    const body = eml.slice(eml.search(/\r?\n\r?\n/)).trim();
    const run = await runCachet(['open', '--json', '--trust', CA, '-'], Buffer.from(body, 'latin1'));
    expect(run.code).toBe(0);
    const fromStdin = JSON.parse(run.out) as OpenJson;
    expect(fromStdin).toMatchObject({ signed: true, signatureGood: true, bareFile: 'base64' });
    expect(fromStdin.text).toContain('This is a test message from Alice to Bob.');
  });

  it('says on standard error that the file is bare', async () => {
    const run = await runCachet(['open', ...BOB, path('cbc.der')]);
    expect(run.code).toBe(0);
    expect(run.err).toContain('cachet open: a bare smime.p7m (der): no From or Date');
    expect(run.out).toBe(content);
  });
});

describe('cachet open and decrypt: input that is not a usable smime.p7m exits 2', () => {
  const cases = (): [string, Uint8Array, RegExp][] => {
    const cbc = readFileSync(path('cbc.der'));
    // A DER SEQUENCE holding an OID CMS does not know and a [0] SEQUENCE with a version.
    const unknownOid = Buffer.concat([Buffer.from('3081a506032a0304a0819d30819a020100048194', 'hex'), Buffer.alloc(0x94)]);
    return [
      ['garbage', Uint8Array.from({ length: 2048 }, (_, i) => (i * 73 + 41) % 251), /: [a-z]+\/[a-z-]+: /],
      ['truncated DER', cbc.subarray(0, cbc.length - 40), /: cms\/malformed: not an e-mail message, nor a usable smime\.p7m: its DER is truncated/],
      ['a DER SEQUENCE of an unknown OID', unknownOid, /: cms\/unsupported: .*content type 1\.2\.3\.4 is not signed, enveloped or authEnveloped data/],
      ['a text file of base64 that is not CMS', Buffer.from(`${Buffer.from('Just some text, no CMS at all.\n'.repeat(20)).toString('base64')}\n`), /: [a-z]+\/[a-z-]+: /],
    ];
  };

  it.each(['open', 'decrypt'])('for cachet %s', async (command) => {
    for (const [name, input, message] of cases()) {
      const run = await runCachet([command, ...BOB, '-'], input);
      expect([name, run.code, run.out]).toEqual([name, 2, '']);
      expect(run.err, name).toMatch(new RegExp(`^cachet ${command}: [a-z0-9]+/[a-z-]+: `));
      expect(run.err, name).toMatch(message);
    }
  });
});
