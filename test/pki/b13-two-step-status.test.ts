import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkCertificate } from '../../src/pki/check-certificate';
import { MemoryCrlCache } from '../../src/pki/crl-cache';
import type { FetchRequest, Fetcher } from '../../src/pki/fetcher';
import { networkSources } from '../../src/pki/network-sources';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { parseCrl } from '../../src/pki/parsed-crl';
import { anchorFromCertificate } from '../../src/pki/validate-path';
import { signerAuthorMatch, validateSigner, type SignerValidator } from '../../src/smime/judge-signers';
import { authorOfFrom } from '../../src/smime/message-author';
import { TestPki, type IssuedCertificate, type TestCa } from './helpers/openssl-pki';
import { nodeVerifier, soon } from './helpers/pki-fixtures';

// B13: the signature result and whether the signer is the author are there at once,
// validation fills in later.
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

function validator(extra: { fetcher?: Fetcher; crls?: Uint8Array[] } = {}): SignerValidator {
  const sources = extra.fetcher ? networkSources({ fetcher: extra.fetcher, crypto: webcrypto as unknown as Crypto, verifier, cache: new MemoryCrlCache() }) : undefined;
  return (der) => checkCertificate(parseCertificate(der), {
    verifier,
    anchors: [anchorFromCertificate(root.certificate)],
    time: soon(),
    crls: (extra.crls ?? []).map(parseCrl),
    revocation: 'require',
    purpose: 'sign',
    ...(sources ? { sources } : {}),
  });
}

describe('B13 two-step signature status', () => {
  it('knows whether the signer is the author at once, and the validation later', async () => {
    const fetcher = new GatedFetcher();
    const match = signerAuthorMatch({ certificate: signer.der }, authorOfFrom('Jo <jo@EXAMPLE.org>'));
    expect(match).toEqual({ matches: true, author: 'jo@EXAMPLE.org', certificateAddresses: ['jo@example.org'] });
    let settled = false;
    const pending = validateSigner({ certificate: signer.der }, { intermediates: [], crls: [] }, validator({ fetcher })).then((r) => {
      settled = true;
      return r;
    });
    // Validation waits on the CRL fetch; the author match did not.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    fetcher.open();
    const result = await pending;
    expect(result.valid).toBe(true);
    expect(fetcher.requested).toBe(1);
  });

  it('reports an author who is not the signer, apart from the certificate verdict', async () => {
    const match = signerAuthorMatch({ certificate: signer.der }, authorOfFrom('"Jo" <mallory@example.org>'));
    expect(match.matches).toBe(false);
    expect(match.author).toBe('mallory@example.org');
    // The path verdict is separate: the certificate itself is fine.
    expect((await validateSigner({ certificate: signer.der }, { intermediates: [], crls: [] }, validator({ crls: [crl] }))).valid).toBe(true);
  });

  it('resolves, not rejects, when there is no usable certificate', async () => {
    const validate = validator();
    expect((await validateSigner({}, { intermediates: [], crls: [] }, validate)).reason).toBe('malformed');
    const broken = await validateSigner({ certificate: new Uint8Array([0x30, 0x03, 0x02]) }, { intermediates: [], crls: [] }, validate);
    expect(broken.errors[0]?.message).toContain('cannot be decoded');
  });
});
