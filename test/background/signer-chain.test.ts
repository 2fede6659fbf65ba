/** B18: the intermediates the sender's path validation found go into signatures, never the signer twice. */
import { describe, expect, it } from 'vitest';
import { signerChain } from '../../background/compose/signer-chain';
import type { CertificateValidation, ValidationRequest } from '../../background/pki/certificate-validation';
import type { ParsedCertificate } from '../../src/pki/parsed-certificate';
import type { ValidationResult } from '../../src/pki/validation-result';

const cert = (byte: number) => ({ der: new Uint8Array([byte]) }) as unknown as ParsedCertificate;

function validationWithPath(path: ParsedCertificate[], valid: boolean, seen: ValidationRequest[]): CertificateValidation {
  return {
    validate: (_der, request = {}) => {
      seen.push(request);
      const result: ValidationResult = { valid, reason: valid ? undefined : 'untrusted-root', errors: [], warnings: [], path, anchorSubject: undefined, userConstrainedPolicySet: [] };
      return Promise.resolve(result);
    },
  };
}

describe('signer chain', () => {
  it('sends the intermediates of the validated path, validated for signing at the given time', async () => {
    const seen: ValidationRequest[] = [];
    const now = new Date('2027-01-01T00:00:00Z');
    const chain = await signerChain(validationWithPath([cert(1), cert(2), cert(3)], true, seen), new Uint8Array([3]), now);
    expect(chain).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
    expect(seen).toEqual([{ purpose: 'sign', time: now }]);
  });

  it('still sends what an unvalidated path found, and nothing when there is no path', async () => {
    expect(await signerChain(validationWithPath([cert(1), cert(3)], false, []), new Uint8Array([3]), new Date())).toEqual([new Uint8Array([1])]);
    expect(await signerChain(validationWithPath([], false, []), new Uint8Array([3]), new Date())).toEqual([]);
  });
});
