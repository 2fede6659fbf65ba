/** `cachet sign` and `cachet verify` end to end, with OpenSSL as the independent checker. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { headerValue } from '../../src/mime/part-access';
import { parseMessage } from '../../src/mime/parse';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';
import { opensslCertsDir, thunderbirdDir } from './support/env';

async function run(argv: string[], stdin: Uint8Array = new Uint8Array()): Promise<{ code: number; out: Buffer; err: string }> {
  const result = await runCachet(argv, stdin);
  return { code: result.code, out: result.bytes, err: result.err };
}

interface VerifyJson {
  allGood: boolean;
  layers: { kind: string; status: string; signers: { status: string; trust: string; emailAddresses: string[] }[] }[];
}

let pki: TestPki;
let input: string;
const p = (name: string): string => join(pki.dir, name);

beforeAll(() => {
  pki = makeTestPki();
  input = p('message.eml');
  // LF line ends and an 8-bit body, as a file written by hand would have.
  writeFileSync(input, [
    'From: Rsa Signer <rsa@example.org>',
    'To: bob@example.org',
    'Subject: command line',
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße from the command line.',
    '',
  ].join('\n'));
});
afterAll(() => pki.remove());

describe('cachet sign', () => {
  it('clear-signs: headers stay outside, OpenSSL and cachet verify accept it', async () => {
    const leaf = pki.leaves.rsa;
    const signed = await run(['sign', '--cert', leaf.certPath, '--key', leaf.keyPath, '--chain', pki.intermediatePath, '-o', p('out.eml'), input]);
    expect(signed.code, signed.err).toBe(0);
    const bytes = readFileSync(p('out.eml'));
    const root = parseMessage(new Uint8Array(bytes));
    expect(root.contentType.mediaType).toBe('multipart/signed');
    expect(root.contentType.params['micalg']).toBe('sha-256');
    expect(headerValue(root, 'subject')).toBe('command line');
    expect(headerValue(root, 'from')).toBe('Rsa Signer <rsa@example.org>');
    const signedPart = root.children[0]!;
    expect(signedPart.headers.every((h) => h.name.toLowerCase().startsWith('content-'))).toBe(true);
    expect(signedPart.transferEncoding).toBe('quoted-printable');
    expect(bytes.includes(0x80)).toBe(false);

    const text = openssl(['cms', '-verify', '-in', p('out.eml'), '-CAfile', pki.rootPath]).toString('utf8');
    expect(text).toContain('Gr=C3=BC=C3=9Fe');

    const verified = await run(['verify', '--trust', pki.rootPath, '--json', p('out.eml')]);
    expect(verified.code, verified.err).toBe(0);
    const report = JSON.parse(verified.out.toString()) as VerifyJson;
    expect(report.allGood).toBe(true);
    expect(report.layers).toEqual([expect.objectContaining({ kind: 'multipart-signed', status: 'good' })]);
    expect(report.layers[0]?.signers[0]).toEqual(expect.objectContaining({ status: 'good', trust: 'trusted', emailAddresses: [leaf.email] }));
  });

  it('signs opaque with ECDSA and SHA-512 from standard input to standard output', async () => {
    const leaf = pki.leaves['ec-p384'];
    const signed = await run(['sign', '--cert', leaf.certPath, '--key', leaf.keyPath, '--chain', pki.intermediatePath,
      '--opaque', '--digest', 'sha512', '-'], readFileSync(input));
    expect(signed.code, signed.err).toBe(0);
    writeFileSync(p('opaque.eml'), signed.out);
    expect(parseMessage(new Uint8Array(signed.out)).smimeKind).toBe('signed-data');
    openssl(['cms', '-verify', '-in', p('opaque.eml'), '-CAfile', pki.rootPath, '-out', '/dev/null']);
    expect((await run(['verify', '--trust', pki.rootPath, p('opaque.eml')])).code).toBe(0);
  });

  it('signs with a PKCS#12 file and RSA-PSS', async () => {
    openssl(['pkcs12', '-export', '-inkey', pki.leaves.rsa.keyPath, '-in', pki.leaves.rsa.certPath,
      '-certfile', pki.intermediatePath, '-passout', 'pass:secret', '-out', p('rsa.p12')]);
    const signed = await run(['sign', '--p12', p('rsa.p12'), '--pass', 'secret', '--pss', '-o', p('p12.eml'), input]);
    expect(signed.code, signed.err).toBe(0);
    openssl(['cms', '-verify', '-in', p('p12.eml'), '-CAfile', pki.rootPath, '-out', '/dev/null']);
    expect((await run(['verify', '--trust', pki.rootPath, p('p12.eml')])).code).toBe(0);
  });

  it('exits 2 without a key', async () => {
    expect((await run(['sign', input])).code).toBe(2);
    expect((await run(['sign', '--cert', pki.leaves.rsa.certPath, '--key', pki.leaves['ec-p256'].keyPath, input])).code).toBe(2);
  });
});

describe('cachet verify', () => {
  let signedPath: string;
  beforeAll(async () => {
    signedPath = p('for-verify.eml');
    const leaf = pki.leaves['ec-p256'];
    const signed = await run(['sign', '--cert', leaf.certPath, '--key', leaf.keyPath, '--chain', pki.intermediatePath, '-o', signedPath, input]);
    expect(signed.code, signed.err).toBe(0);
  });

  it('without --trust the signature checks out but no certificate is valid: exit 1', async () => {
    const result = await run(['verify', '--json', signedPath]);
    expect(result.code).toBe(1);
    const signer = (JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.signers[0];
    expect(signer).toMatchObject({ status: 'untrusted', signature: 'good', trust: 'untrusted', validation: { valid: false, reason: 'untrusted-root' } });
  });

  it('with the root, exit 0', async () => {
    const result = await run(['verify', '--trust', pki.rootPath, '--json', signedPath]);
    expect(result.code, result.out.toString()).toBe(0);
    expect((JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.signers[0]).toMatchObject({ signature: 'good', validation: { valid: true } });
  });

  it('a signer outside the trusted roots is untrusted: exit 1', async () => {
    const result = await run(['verify', '--trust', `${opensslCertsDir}smroot.pem`, '--json', signedPath]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.signers[0]?.status).toBe('untrusted');
  });

  it('tampered content: exit 1, digest-mismatch', async () => {
    const tampered = readFileSync(signedPath).toString('latin1').replace('command line.', 'command lime.');
    writeFileSync(p('tampered.eml'), tampered, 'latin1');
    const result = await run(['verify', '--json', p('tampered.eml')]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.signers[0]?.status).toBe('digest-mismatch');
  });

  it('SHA-1 is weak (exit 1) unless explicitly allowed', async () => {
    const file = `${thunderbirdDir}mailnews/test/data/smime/alice.dsig.SHA1.multipart.eml`;
    const root = `${thunderbirdDir}mailnews/test/data/smime/TestCA.pem`;
    const weak = await run(['verify', '--trust', root, file]);
    expect(weak.code).toBe(1);
    expect(weak.out.toString()).toContain('weak');
    const allowed = await run(['verify', '--trust', root, '--insecure-allow-sha1', file]);
    expect(allowed.code, allowed.out.toString()).toBe(0);
  });

  it('Thunderbird mismatch-econtent is not good', async () => {
    const result = await run(['verify', '--json', `${thunderbirdDir}mailnews/test/data/smime/alice.dsig.SHA256.multipart.mismatch-econtent.eml`]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.status).toBe('content-conflict');
  });

  it('reads a raw DER SignedData', async () => {
    const der = p('raw.p7');
    openssl(['cms', '-sign', '-binary', '-nodetach', '-in', input, '-outform', 'DER', '-out', der,
      '-signer', pki.leaves.rsa.certPath, '-inkey', pki.leaves.rsa.keyPath]);
    const result = await run(['verify', '--trust', pki.rootPath, '--json', der]);
    expect(result.code, result.err).toBe(1);
    // Without the intermediate in the message the chain cannot reach the root.
    expect((JSON.parse(result.out.toString()) as VerifyJson).layers[0]?.signers[0]?.status).toBe('untrusted');
    // Given as an intermediate, the chain reaches the root.
    const withIntermediate = await run(['verify', '--trust', pki.rootPath, '--intermediate', pki.intermediatePath, der]);
    expect(withIntermediate.code, withIntermediate.out.toString()).toBe(0);
  });

  it('unsigned or unreadable input: exit 2', async () => {
    expect((await run(['verify', input])).code).toBe(2);
    expect((await run(['verify', p('does-not-exist.eml')])).code).toBe(2);
    expect((await run(['verify'])).code).toBe(2);
  });
});
