/**
 * A KeyOperator whose private key stays in the native host (DESIGN.md invariant 2): the
 * CMS pipeline's digests, wrapped keys and ECDH points go to the host by identity id, and
 * only signatures, content keys and shared secrets come back.
 */
import type { KeyOperator, KeyTransportScheme, NamedCurve, SignatureScheme } from '../../src/cms/key-operator';
import type { IdentityDescription } from '../../src/protocol/native';
import type { HostClient } from './host-client';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

export class HostKeyOperator implements KeyOperator {
  readonly certificate: Uint8Array;

  constructor(private readonly client: HostClient, readonly identity: IdentityDescription) {
    this.certificate = bytes(identity.certificate);
  }

  async sign(digest: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> {
    const { signature } = await this.client.request('key/sign', { identity: this.identity.id, digest: b64(digest), scheme: { ...scheme } });
    return bytes(signature);
  }

  async decryptKey(wrappedKey: Uint8Array, scheme: KeyTransportScheme): Promise<Uint8Array> {
    const wire = scheme.name === 'RSA-OAEP'
      ? {
        name: 'RSA-OAEP' as const, hash: scheme.hash,
        ...(scheme.label && scheme.label.length > 0 ? { label: b64(scheme.label) } : {}),
        ...(scheme.mgf1Hash && scheme.mgf1Hash !== scheme.hash ? { mgf1Hash: scheme.mgf1Hash } : {}),
      }
      : { name: 'RSAES-PKCS1-v1_5' as const };
    const { key } = await this.client.request('key/decrypt', { identity: this.identity.id, wrappedKey: b64(wrappedKey), scheme: wire });
    return bytes(key);
  }

  async deriveSharedSecret(originatorPoint: Uint8Array, curve: NamedCurve): Promise<Uint8Array> {
    const { secret } = await this.client.request('key/derive', { identity: this.identity.id, publicPoint: b64(originatorPoint), curve });
    return bytes(secret);
  }
}

/** One operator per identity the host lists. */
export async function hostKeyOperators(client: HostClient): Promise<HostKeyOperator[]> {
  const { identities } = await client.request('identities/list', {});
  return identities.map((identity) => new HostKeyOperator(client, identity));
}
