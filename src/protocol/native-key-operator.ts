/**
 * A KeyOperator whose private key stays in the native host (DESIGN.md invariant 2): the
 * CMS pipeline's digests, wrapped keys and ECDH points go to the host by identity id, and
 * only signatures, content keys and shared secrets come back. Used by the background
 * (through its native client) and by the command line (through its host client).
 */
import type { KeyOperator, KeyTransportScheme, NamedCurve, SignatureScheme } from '../cms/key-operator';
import type { IdentityDescription, NativeReq, NativeRequestType, NativeRes } from './native';
import { base64ToBytes, bytesToBase64 } from './runtime-bytes';

/** Sends one request to the native host and resolves with its validated response. */
export type NativeRequest = <K extends Exclude<NativeRequestType, 'hello'>>(type: K, req: NativeReq<K>) => Promise<NativeRes<K>>;

export class NativeKeyOperator implements KeyOperator {
  readonly certificate: Uint8Array;

  constructor(private readonly request: NativeRequest, readonly identity: IdentityDescription) {
    this.certificate = base64ToBytes(identity.certificate);
  }

  async sign(digest: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> {
    const { signature } = await this.request('key/sign', { identity: this.identity.id, digest: bytesToBase64(digest), scheme: { ...scheme } });
    return base64ToBytes(signature);
  }

  async decryptKey(wrappedKey: Uint8Array, scheme: KeyTransportScheme): Promise<Uint8Array> {
    const wire = scheme.name === 'RSA-OAEP'
      ? {
        name: 'RSA-OAEP' as const, hash: scheme.hash,
        ...(scheme.label && scheme.label.length > 0 ? { label: bytesToBase64(scheme.label) } : {}),
        ...(scheme.mgf1Hash && scheme.mgf1Hash !== scheme.hash ? { mgf1Hash: scheme.mgf1Hash } : {}),
      }
      : { name: 'RSAES-PKCS1-v1_5' as const };
    const { key } = await this.request('key/decrypt', { identity: this.identity.id, wrappedKey: bytesToBase64(wrappedKey), scheme: wire });
    return base64ToBytes(key);
  }

  async deriveSharedSecret(originatorPoint: Uint8Array, curve: NamedCurve): Promise<Uint8Array> {
    const { secret } = await this.request('key/derive', { identity: this.identity.id, publicPoint: bytesToBase64(originatorPoint), curve });
    return base64ToBytes(secret);
  }
}

/** One operator per identity the host lists. */
export async function nativeKeyOperators(request: NativeRequest): Promise<NativeKeyOperator[]> {
  const { identities } = await request('identities/list', {});
  return identities.map((identity) => new NativeKeyOperator(request, identity));
}
