/**
 * The reader's banner verdict (B13): a good signature by someone other than the sender is a
 * warning; in a bare smime.p7m there is no sender, and that is not a mismatch.
 */
import { describe, expect, it } from 'vitest';
import type { SignerView } from '../../../src/protocol/runtime';
import { bannerVerdict } from '../../../src/ui/pages/reader/signer-banner';

const signer = (fromMatches: boolean | null, status = 'good'): SignerView => ({
  layer: 0, status, name: 'Alice', addresses: ['alice@example.org'], issuer: 'CN=CA', notBefore: '', notAfter: '', fromMatches,
});
const valid = { valid: true, errors: [] };

describe('bannerVerdict', () => {
  it('is good for the sender, a warning for someone else, good where no sender is named', () => {
    expect(bannerVerdict(signer(true), valid).tone).toBe('good');
    expect(bannerVerdict(signer(false), valid).tone).toBe('warning');
    expect(bannerVerdict(signer(null), valid).tone).toBe('good');
  });

  it('waits for validation and is bad for a bad signature or certificate, sender or not', () => {
    expect(bannerVerdict(signer(null), undefined).tone).toBe('pending');
    expect(bannerVerdict(signer(null), { valid: false, reason: 'expired', errors: ['expired'] }).tone).toBe('bad');
    expect(bannerVerdict(signer(null, 'digest-mismatch'), valid).tone).toBe('bad');
  });
});
