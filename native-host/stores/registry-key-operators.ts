/**
 * KeyOperators over the stores opened in this process (the command line's `--token` and
 * `--nssdb`): the same NativeKeyOperator the extension uses, with requests answered by
 * the store registry directly instead of over the native channel, so the CLI and the
 * browser take one path to a token's key.
 */
import { CachetError } from '../../src/errors';
import { NativeKeyOperator, type NativeRequest } from '../../src/protocol/native-key-operator';
import type { IdentityDescription } from '../../src/protocol/native';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import type { StoreRegistry } from './store-registry';

function registryRequest(registry: StoreRegistry): NativeRequest {
  const b64 = (bytes: Uint8Array): string => bytesToBase64(bytes);
  const buffer = (text: string): Buffer => Buffer.from(text, 'base64');
  const handlers = {
    'identities/list': async () => ({ identities: await registry.listIdentities() }),
    'key/sign': async (req: { identity: string; digest: string; scheme: Parameters<StoreRegistry['sign']>[2] }) =>
      ({ signature: b64(await registry.sign(req.identity, buffer(req.digest), req.scheme)) }),
    'key/decrypt': async (req: { identity: string; wrappedKey: string; scheme: Parameters<StoreRegistry['decrypt']>[2] }) =>
      ({ key: b64(await registry.decrypt(req.identity, buffer(req.wrappedKey), req.scheme)) }),
    'key/derive': async (req: { identity: string; publicPoint: string; curve: Parameters<StoreRegistry['derive']>[2] }) =>
      ({ secret: b64(await registry.derive(req.identity, buffer(req.publicPoint), req.curve)) }),
  };
  return ((type: string, req: unknown) => {
    const handler = (handlers as Record<string, (req: unknown) => Promise<unknown>>)[type];
    if (!handler) return Promise.reject(new CachetError('input/invalid', `${type} is not a key operation`));
    return handler(req);
  }) as NativeRequest;
}

/** Operators for every identity the registry lists, or only those on the token labelled `tokenLabel`. */
export async function registryKeyOperators(registry: StoreRegistry, tokenLabel?: string): Promise<NativeKeyOperator[]> {
  const identities: IdentityDescription[] = await registry.listIdentities();
  const chosen = tokenLabel === undefined ? identities : identities.filter((i) => i.token.label === tokenLabel);
  if (chosen.length === 0) {
    throw new CachetError('key/unavailable', tokenLabel === undefined ? 'no identity found in the given stores' : `no identity on a token labelled "${tokenLabel}"`);
  }
  const request = registryRequest(registry);
  return chosen.map((identity) => new NativeKeyOperator(request, identity));
}
