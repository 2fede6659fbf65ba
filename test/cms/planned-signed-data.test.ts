/**
 * A SignedData's length known before the content is hashed (planSignedData), which lets
 * encryption around a multipart/signed start while its signature is made: exact for RSA
 * keys, including tokens that drop an RSA signature's leading zero octets; none for ECDSA.
 */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyOperator } from '../../src/cms/key-operator';
import { planSignedData } from '../../src/cms/signed-data-sign';
import { crypto } from './envelope-helpers';
import { makeTestPki, openssl, type TestPki } from './support/openssl-pki';

let pki: TestPki;
beforeAll(() => { pki = makeTestPki(); });
afterAll(() => pki.remove());

const content = (n: number): Uint8Array => new TextEncoder().encode(`Content-Type: text/plain\r\n\r\nmessage number ${n}\r\n`);

describe('planSignedData', () => {
  for (const [label, rsaPss, detached] of [['PKCS #1 v1.5, detached', false, true], ['PSS, detached', true, true], ['PKCS #1 v1.5, opaque', false, false]] as const) {
    it(`RSA ${label}: the planned length is the length signed`, async () => {
      for (let n = 0; n < 5; n++) {
        const planned = planSignedData({ subtle: crypto.subtle, signer: pki.leaves.rsa.operator, content: content(n), detached, rsaPss, chain: [pki.intermediate] });
        expect(planned.length).toBeGreaterThan(0);
        expect((await planned.sign()).length).toBe(planned.length);
      }
    });
  }

  it('ECDSA signatures vary in length, so none is planned', () => {
    const planned = planSignedData({ subtle: crypto.subtle, signer: pki.leaves['ec-p256'].operator, content: content(0), detached: true });
    expect(planned.length).toBeUndefined();
  });

  it('a token that drops leading zero octets still gives the planned length and a signature OpenSSL accepts', async () => {
    const real = pki.leaves.rsa.operator;
    let stripped = 0;
    const token: KeyOperator = {
      certificate: real.certificate,
      sign: async (digest, scheme) => {
        const signature = await real.sign(digest, scheme);
        let first = 0;
        while (signature[first] === 0) first++;
        if (first > 0) stripped++;
        return signature.subarray(first);
      },
      decryptKey: (wrapped, scheme) => real.decryptKey(wrapped, scheme),
      deriveSharedSecret: (point, curve) => real.deriveSharedSecret(point, curve),
    };
    // About one RSA signature in 256 starts with a zero octet: sign until one did.
    for (let n = 0; stripped === 0 && n < 4000; n++) {
      const planned = planSignedData({ subtle: crypto.subtle, signer: token, content: content(n), detached: true, chain: [pki.intermediate] });
      const signed = await planned.sign();
      expect(signed.length).toBe(planned.length);
      if (stripped > 0) {
        const dir = pki.dir;
        writeFileSync(join(dir, 'zero.p7s'), signed);
        writeFileSync(join(dir, 'zero.txt'), content(n));
        openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'zero.p7s'), '-content', join(dir, 'zero.txt'), '-CAfile', pki.rootPath, '-out', '/dev/null']);
      }
    }
    expect(stripped).toBe(1);
  });
});
