/**
 * Private-key work is done by a KeyOperator: a software key in tests and the command
 * line, a token or the OS store behind the native host in the extension (DESIGN.md,
 * invariant 2). The CMS pipeline hands it digests and wrapped keys, never plaintext.
 */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type SignatureScheme =
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly hash: HashName }
  | { readonly name: 'RSA-PSS'; readonly hash: HashName; readonly saltLength: number }
  | { readonly name: 'ECDSA'; readonly hash: HashName };

export type KeyTransportScheme =
  | { readonly name: 'RSAES-PKCS1-v1_5' }
  | {
      readonly name: 'RSA-OAEP';
      readonly hash: HashName;
      readonly label?: Uint8Array;
      /** MGF1's hash when it differs from `hash` (RFC 8017 Appendix A.2.1); absent means `hash`. */
      readonly mgf1Hash?: HashName;
    };

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

export interface KeyOperator {
  /** DER of the certificate whose private key this operator holds. */
  readonly certificate: Uint8Array;
  /**
   * Signs an already computed digest (of the DER signed attributes, or of the content).
   * ECDSA signatures are returned DER-encoded (Ecdsa-Sig-Value), as CMS carries them.
   */
  sign(digest: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array>;
  /** Unwraps a content-encryption key transported to this key (RFC 5652 §6.2.1). */
  decryptKey(wrappedKey: Uint8Array, scheme: KeyTransportScheme): Promise<Uint8Array>;
  /**
   * ECDH with the originator's public key (uncompressed point); returns the raw shared
   * secret Z, which the CMS layer feeds to the KDF (RFC 5753).
   */
  deriveSharedSecret(originatorPoint: Uint8Array, curve: NamedCurve): Promise<Uint8Array>;
}
