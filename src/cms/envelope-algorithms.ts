/**
 * Chooses the algorithms for encrypting to a set of recipients (DESIGN.md "Choices";
 * BEHAVIOURS B8; RFC 8551 §2.7.1): AES-GCM AuthEnvelopedData only when every recipient
 * announced it, AES-256-CBC EnvelopedData when any recipient's capabilities are unknown,
 * RSAES-OAEP for the RSA recipients that announced it and PKCS#1 v1.5 for the rest.
 * With a policy cipher (B8), recipients whose known capabilities lack it are reported
 * as missing, as if they had no certificate (B7).
 */
import type { ContentCipherChoice, EncryptRecipient } from './encrypt';
import { OID_AES128_CBC, OID_AES128_GCM, OID_AES256_CBC, OID_AES256_GCM, OID_RSAES_OAEP } from './oids';

export interface RecipientProfile {
  readonly certificate: Uint8Array;
  /**
   * Algorithm OIDs of the SMIMECapabilities the recipient last announced (RFC 8551
   * §2.5.2), in their order of preference; undefined when nothing is known.
   */
  readonly capabilities?: readonly string[];
}

export interface EnvelopeAlgorithms {
  readonly cipher: ContentCipherChoice;
  /** The recipients to encrypt to, each with its key transport when it announced OAEP. */
  readonly recipients: readonly EncryptRecipient[];
  /** Recipients that cannot be encrypted to under the policy (B7, B8). */
  readonly missing: readonly RecipientProfile[];
}

const CIPHER_OIDS: Readonly<Record<ContentCipherChoice, string>> = {
  'aes-128-cbc': OID_AES128_CBC,
  'aes-256-cbc': OID_AES256_CBC,
  'aes-128-gcm': OID_AES128_GCM,
  'aes-256-gcm': OID_AES256_GCM,
};

/** Strongest first: the first cipher every recipient with known capabilities announced. */
const PREFERENCE: readonly ContentCipherChoice[] = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'];

function announces(profile: RecipientProfile, oid: string): boolean {
  return profile.capabilities?.includes(oid) ?? false;
}

export function chooseEnvelopeAlgorithms(profiles: readonly RecipientProfile[], policyCipher?: ContentCipherChoice): EnvelopeAlgorithms {
  let cipher: ContentCipherChoice;
  let usable = profiles;
  let missing: RecipientProfile[] = [];
  if (policyCipher) {
    cipher = policyCipher;
    // Unknown capabilities are no reason to refuse: only an announcement without it is.
    missing = profiles.filter((p) => p.capabilities !== undefined && !announces(p, CIPHER_OIDS[policyCipher]));
    usable = profiles.filter((p) => !missing.includes(p));
  } else if (profiles.length > 0 && profiles.every((p) => p.capabilities !== undefined)) {
    cipher = PREFERENCE.find((c) => profiles.every((p) => announces(p, CIPHER_OIDS[c]))) ?? 'aes-256-cbc';
  } else {
    cipher = 'aes-256-cbc';
  }
  const recipients = usable.map((p): EncryptRecipient =>
    announces(p, OID_RSAES_OAEP) ? { certificate: p.certificate, keyTransport: { name: 'RSA-OAEP', hash: 'SHA-256' } } : { certificate: p.certificate },
  );
  return { cipher, recipients, missing };
}
