/** Algorithm choice for encryption (DESIGN.md "Choices", B7/B8), applied end to end. */
import { describe, expect, it } from 'vitest';
import { chooseEnvelopeAlgorithms, type RecipientProfile } from '../../src/cms/envelope-algorithms';
import { encryptContent } from '../../src/cms/encrypt';
import { decryptEnvelope } from '../../src/cms/decrypt';
import { OID_AES128_CBC, OID_AES128_GCM, OID_AES256_CBC, OID_AES256_GCM, OID_DES_EDE3_CBC, OID_RSAES_OAEP } from '../../src/cms/oids';
import { crypto, identityFromPem, openssl, SMIME_CERTS, utf8 } from './envelope-helpers';

const a = Uint8Array.of(1);
const b = Uint8Array.of(2);
const ALL = [OID_AES256_GCM, OID_AES128_GCM, OID_AES256_CBC, OID_AES128_CBC];

describe('chooseEnvelopeAlgorithms', () => {
  it('AES-256-CBC when any capabilities are unknown', () => {
    expect(chooseEnvelopeAlgorithms([{ certificate: a, capabilities: ALL }, { certificate: b }]).cipher).toBe('aes-256-cbc');
  });
  it('AES-GCM only when every recipient announced it', () => {
    expect(chooseEnvelopeAlgorithms([{ certificate: a, capabilities: ALL }, { certificate: b, capabilities: ALL }]).cipher).toBe('aes-256-gcm');
    expect(
      chooseEnvelopeAlgorithms([{ certificate: a, capabilities: ALL }, { certificate: b, capabilities: [OID_AES128_GCM, OID_AES256_CBC] }]).cipher,
    ).toBe('aes-128-gcm');
    expect(chooseEnvelopeAlgorithms([{ certificate: a, capabilities: ALL }, { certificate: b, capabilities: [OID_AES256_CBC] }]).cipher).toBe('aes-256-cbc');
  });
  it('never falls back to 3DES, even for a recipient that only announced it', () => {
    expect(chooseEnvelopeAlgorithms([{ certificate: a, capabilities: [OID_DES_EDE3_CBC] }]).cipher).toBe('aes-256-cbc');
  });
  it('B8: a policy cipher makes recipients that announced other ciphers missing', () => {
    const profiles: RecipientProfile[] = [
      { certificate: a, capabilities: [OID_AES256_CBC] },
      { certificate: b },
    ];
    const chosen = chooseEnvelopeAlgorithms(profiles, 'aes-256-gcm');
    expect(chosen.cipher).toBe('aes-256-gcm');
    expect(chosen.missing).toEqual([profiles[0]]);
    expect(chosen.recipients.map((r) => r.certificate)).toEqual([b]);
  });
  it('OAEP for the recipients that announced it', () => {
    const chosen = chooseEnvelopeAlgorithms([{ certificate: a, capabilities: [OID_AES256_CBC, OID_RSAES_OAEP] }, { certificate: b }]);
    expect(chosen.recipients[0]!.keyTransport).toEqual({ name: 'RSA-OAEP', hash: 'SHA-256' });
    expect(chosen.recipients[1]!.keyTransport).toBeUndefined();
  });
  it('per-recipient key transport reaches the message, and both recipients can read it', async () => {
    const first = identityFromPem('rsa1', `${SMIME_CERTS}/smrsa1.pem`);
    const second = identityFromPem('rsa2', `${SMIME_CERTS}/smrsa2.pem`);
    const chosen = chooseEnvelopeAlgorithms([
      { certificate: first.certificate, capabilities: [OID_AES256_GCM, OID_RSAES_OAEP] },
      { certificate: second.certificate, capabilities: [OID_AES256_GCM] },
    ]);
    const message = utf8('Content-Type: text/plain\r\n\r\nchosen\r\n');
    const der = await encryptContent(crypto, message, { recipients: chosen.recipients, cipher: chosen.cipher });
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString();
    expect(printed).toContain('rsaesOaep');
    expect(printed).toContain('rsaEncryption');
    expect(printed).toContain('aes-256-gcm');
    for (const who of [first, second]) {
      expect(Buffer.from((await decryptEnvelope(crypto, der, [who.operator])).content).equals(message)).toBe(true);
    }
  });
});
