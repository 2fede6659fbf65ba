/**
 * The user's own certificates with private keys, as the native host lists them (B5): a
 * short-lived cache in front of `identities/list`, dropped when the host says a token came
 * or went (B19), and one KeyOperator per identity for the CMS pipeline.
 */
import { CachetError } from '../src/errors';
import { NativeKeyOperator, type NativeRequest } from '../src/protocol/native-key-operator';
import type { IdentityView } from '../src/protocol/runtime';
import { summariseCertificate, summaryOnly } from './address-book/certificate-summary';

export interface Identities {
  list(): Promise<IdentityView[]>;
  operators(): Promise<NativeKeyOperator[]>;
  /** The operator for one identity id; a typed error when the host no longer has it. */
  operator(id: string): Promise<NativeKeyOperator>;
  /** Forget the cached list (token inserted or removed). */
  invalidate(): void;
}

/** Long enough to serve one compose or reader action, short enough to notice a removed card. */
const cacheMs = 30_000;

export function createIdentities(request: NativeRequest, subtle: SubtleCrypto, now: () => number = Date.now): Identities {
  let cached: { at: number; operators: Promise<NativeKeyOperator[]> } | undefined;

  function operators(): Promise<NativeKeyOperator[]> {
    if (!cached || now() - cached.at > cacheMs) {
      const pending = request('identities/list', {}).then(({ identities }) => identities.map((identity) => new NativeKeyOperator(request, identity)));
      const entry = { at: now(), operators: pending };
      cached = entry;
      // A failed listing is not kept: the next call asks the host again.
      pending.catch(() => {
        if (cached === entry) cached = undefined;
      });
    }
    return cached.operators;
  }

  return {
    operators,
    async list() {
      const views: IdentityView[] = [];
      for (const operator of await operators()) {
        const { identity } = operator;
        views.push({
          ...summaryOnly(await summariseCertificate(operator.certificate, subtle)),
          id: identity.id,
          hardware: identity.hardware,
          storeLabel: identity.store.label,
          tokenLabel: identity.token.label,
          canSign: identity.usages.includes('sign'),
          canDecrypt: identity.usages.includes('decrypt') || identity.usages.includes('derive'),
        });
      }
      return views;
    },
    async operator(id) {
      const found = (await operators()).find((operator) => operator.identity.id === id);
      if (!found) throw new CachetError('key/unavailable', 'that certificate is no longer available: is the smart card still inserted?');
      return found;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
