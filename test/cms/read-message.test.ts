/**
 * Reading a whole message as a mail client does (B15, B17): every layer unwrapped in
 * order, keys asked for only when an encrypted layer is reached, signed content inside an
 * envelope checked in canonical form (NSS encrypts it with LF line ends).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeCmsCrypto } from '../../native-host/cli/commands/node-cms-crypto';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { readMessage } from '../../src/cms/read-message';
import { isCachetError } from '../../src/errors';
import { displayContent } from '../../src/mime/display-content';
import { subtle, thunderbirdDir } from './support/env';

const smime = `${thunderbirdDir}mailnews/test/data/smime/`;
const bob = loadSoftwareKeyOperators({ p12: new Uint8Array(readFileSync(`${smime}Bob.p12`)), password: 'nss' });
const read = (file: string, operators: Parameters<typeof readMessage>[1]['operators'] = bob) =>
  readMessage(new Uint8Array(readFileSync(`${smime}${file}`)), { crypto: nodeCmsCrypto, subtle, operators });

describe('readMessage', () => {
  it('decrypts, then verifies the signature inside (signed then encrypted)', async () => {
    const result = await read('alice.dsig.SHA256.multipart.env.eml');
    expect(result.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed']);
    const signed = result.layers[1];
    expect(signed?.kind === 'signed' && signed.layer.signers.map((s) => s.status)).toEqual(['good']);
    expect(result.encrypted && result.signed).toBe(true);
    expect(displayContent(result.content).text).toMatch(/\S/);
  });

  it('decrypts under a transport signature, which it checks but does not show', async () => {
    const result = await read('alice.env.sig.SHA256.opaque.eml');
    expect(result.layers.map((l) => l.kind)).toEqual(['signed', 'encrypted']);
    expect(result.layers[0]?.kind === 'signed' && result.layers[0].shown).toBe(false);
    expect(result.signed).toBe(false);
  });

  it('does not open encryption inside a shown signature', async () => {
    const result = await read('../smime-manual/alice.env.mixed.dsig.SHA256.multipart.eml');
    expect(result.encrypted).toBe(false);
  });

  it('asks for keys only when it reaches an encrypted layer', async () => {
    let asked = 0;
    const keys = () => {
      asked++;
      return Promise.resolve(bob);
    };
    await read('alice.dsig.SHA256.multipart.eml', keys);
    expect(asked).toBe(0);
    await read('alice.env.eml', keys);
    expect(asked).toBe(1);
  });

  it('still finds a tampered signed part bad after canonicalising line ends', async () => {
    const result = await read('alice.dsig.SHA256.multipart.bad.eml');
    const layer = result.layers[0];
    expect(layer?.kind === 'signed' && layer.layer.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
  });

  it('says no key is available for an encrypted message without keys', async () => {
    const error = await read('alice.env.eml', []).catch((e: unknown) => e);
    expect(isCachetError(error) && error.code).toBe('key/unavailable');
  });
});
