/**
 * Thunderbird's S/MIME corpus (made by NSS): every signed-only message gives the
 * signature result Thunderbird's own tests require (EXPECTED.json), SHA-1 included
 * (weak, so not good, unless allowed), `mismatch-econtent` bad, `future` bad.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifySmime } from '../../src/cms/smime-verify';
import { parseMessage } from '../../src/mime/parse';
import { subtle, thunderbirdDir } from './support/env';

interface Case {
  readonly filename: string;
  readonly path: string;
  readonly enc: boolean;
  readonly sig: boolean;
  readonly sig_good: boolean;
  readonly sig_good_if_sha1_allowed?: boolean;
  readonly dave?: number;
}

const cases = (JSON.parse(readFileSync(`${thunderbirdDir}EXPECTED.json`, 'utf8')) as { cases: Case[] }).cases;
// One signature layer, no encryption: the whole verdict is this module's.
const singleLayer = cases.filter((c) => c.sig && !c.enc && c.dave === undefined && !c.path.includes('smime-manual'));
// Nested signatures: the verdict also depends on matching each signer to the From of
// its layer (PKI's job), so only what the CMS layer decides is checked.
const nested = cases.filter((c) => c.sig && !c.enc && c.dave !== undefined);

async function verifyFile(path: string, insecureAllowSha1 = false) {
  const root = parseMessage(new Uint8Array(readFileSync(`${thunderbirdDir}${path}`)));
  return verifySmime(root, { subtle, insecureAllowSha1 });
}

describe('Thunderbird corpus, single signature', () => {
  it('has the cases this test expects', () => {
    expect(singleLayer.length).toBe(17);
    expect(nested.length).toBeGreaterThanOrEqual(24);
  });

  for (const c of singleLayer) {
    it(`${c.filename} → ${c.sig_good ? 'good' : 'not good'}`, async () => {
      const result = await verifyFile(c.path);
      expect(result.layers).toHaveLength(1);
      expect(result.allGood).toBe(c.sig_good);
      const layer = result.layers[0]!;
      if (c.filename.includes('mismatch-econtent')) expect(layer.status).toBe('content-conflict');
      else if (c.filename.includes('.bad.')) expect(layer.signers.map((s) => s.status)).toEqual(['digest-mismatch']);
      else if (c.filename.includes('.future.')) expect(layer.signers.map((s) => s.status)).toEqual(['signing-time-mismatch']);
      else if (c.filename.includes('SHA1')) expect(layer.signers.map((s) => s.status)).toEqual(['weak']);
      else expect(layer.signers.map((s) => s.status)).toEqual(['good']);
      if (layer.signers[0]) expect(layer.signers[0].emailAddresses).toEqual(['Alice@example.com']);
    });

    if (c.sig_good_if_sha1_allowed !== undefined) {
      it(`${c.filename} with SHA-1 allowed → ${c.sig_good_if_sha1_allowed ? 'good' : 'not good'}`, async () => {
        expect((await verifyFile(c.path, true)).allGood).toBe(c.sig_good_if_sha1_allowed);
      });
    }
  }
});

describe('Thunderbird corpus, nested signatures', () => {
  for (const c of nested) {
    it(`${c.filename}: two layers, outer signer Dave, inner Alice`, async () => {
      const result = await verifySmime(parseMessage(new Uint8Array(readFileSync(`${thunderbirdDir}${c.path}`))), { subtle });
      expect(result.layers).toHaveLength(2);
      expect(result.layers[0]?.signers[0]?.emailAddresses).toEqual(['Dave@example.com']);
      expect(result.layers[1]?.signers[0]?.emailAddresses).toEqual(['Alice@example.com']);
      // Never better than Thunderbird: whatever it accepts, every layer here is good too,
      // and a message it rejects for a SHA-1 layer is not good here either.
      if (c.sig_good) expect(result.allGood).toBe(true);
      if (c.filename.includes('SHA1')) expect(result.allGood).toBe(false);
    });
  }
});
