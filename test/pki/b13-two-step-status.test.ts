import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryCrlCache } from '../../src/pki/crl-cache';
import type { FetchRequest, Fetcher } from '../../src/pki/fetcher';
import { fromAddress } from '../../src/pki/from-match';
import { networkSources } from '../../src/pki/network-sources';
import { verifyMessageSignatures } from '../../src/pki/signature-status';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { TestPki, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// B13: the signature result is there at once, validation fills in later; the From
// address is compared with the signer's certificate in its own field.
let pki: TestPki;
let root: TestCa;
let signer: IssuedCertificate;
let crl: Uint8Array;
const verifier = nodeVerifier();

beforeAll(() => {
  pki = new TestPki();
  root = pki.root('root', '/CN=B13 Root');
  signer = root.issue('signer', {
    subject: '/CN=Jo/emailAddress=jo@example.org',
    extensions: ['keyUsage = critical, digitalSignature', 'crlDistributionPoints = URI:http://crl.invalid/root.crl'],
  });
  crl = root.crl(24);
});
afterAll(() => pki.dispose());

/** A fetcher that answers only when the test says so. */
class GatedFetcher implements Fetcher {
  private release: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => { this.release = resolve; });
  requested = 0;
  async fetch(_url: string, _request: FetchRequest): Promise<Uint8Array> {
    this.requested++;
    await this.gate;
    return crl;
  }
  open(): void {
    this.release?.();
  }
}

describe('B13 two-step signature status', () => {
  it('gives the signature result at once and the validation later', async () => {
    const fetcher = new GatedFetcher();
    const sources = networkSources({ fetcher, crypto: webcrypto as unknown as Crypto, verifier, cache: new MemoryCrlCache() });
    const [status] = verifyMessageSignatures(
      [{ status: 'good', certificate: signer.der }],
      { from: 'Jo <jo@EXAMPLE.org>', certificates: [], crls: [] },
      { verifier, anchors: [anchorFromCertificate(root.certificate)], time: soon(), sources, revocation: 'require' },
    );
    if (!status) throw new Error('one signer expected');
    expect(status.signature.status).toBe('good');
    expect(status.fromMatches).toEqual({ matches: true, from: 'jo@EXAMPLE.org', certificateAddresses: ['jo@example.org'] });
    let settled = false;
    const pending = status.validation.then((r) => {
      settled = true;
      return r;
    });
    // Validation waits on the CRL fetch; the signature status did not.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    fetcher.open();
    const result = await pending;
    expect(result.valid).toBe(true);
    expect(fetcher.requested).toBe(1);
  });

  it('reports a From address that is not the signer\'s', async () => {
    const [status] = verifyMessageSignatures(
      [{ status: 'good', certificate: signer.der }],
      { from: '"Jo" <mallory@example.org>', certificates: [], crls: [crl] },
      { verifier, anchors: [anchorFromCertificate(root.certificate)], time: soon() },
    );
    expect(status?.fromMatches.matches).toBe(false);
    expect(status?.fromMatches.from).toBe('mallory@example.org');
    // The path verdict is separate: the certificate itself is fine.
    expect((await status?.validation)?.valid).toBe(true);
  });

  it('resolves, not rejects, when there is no usable certificate', async () => {
    const [status] = verifyMessageSignatures([{ status: 'unknown-signer' }], { from: undefined, certificates: [], crls: [] }, { verifier, anchors: [] });
    expect((await status?.validation)?.reason).toBe('malformed');
    const [broken] = verifyMessageSignatures([{ status: 'good', certificate: new Uint8Array([0x30, 0x03, 0x02]) }], { from: undefined, certificates: [], crls: [] }, { verifier, anchors: [] });
    expect((await broken?.validation)?.errors[0]?.message).toContain('cannot be decoded');
  });

  it('extracts the addr-spec from From headers', () => {
    expect(fromAddress('Jo Doe <jo@example.org>')).toBe('jo@example.org');
    expect(fromAddress('jo@example.org')).toBe('jo@example.org');
    expect(fromAddress('no address')).toBeUndefined();
  });
});
