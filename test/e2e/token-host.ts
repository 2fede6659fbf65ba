/**
 * The smart card for the browser tests: a SoftHSM2 token made from Thunderbird corpus
 * keys (PKCS#12, password `nss`) and a host configuration that uses only that token. The
 * returned environment goes to `launchWithExtension({ nativeHost: { env } })`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SOFTHSM_MODULE, USER_PIN, corpusKey, createToken, writeHostConfig } from '../native/helpers/token-fixtures';

export { USER_PIN };

export interface TokenHost {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  /** DER certificates of the identities on the token, by corpus name. */
  readonly certificates: Readonly<Record<string, Buffer>>;
  cleanup(): void;
}

/** `names` are corpus identities such as 'Bob' or 'Alice'; their keys go on one token. */
export function makeTokenHost(names: readonly string[], label = 'Cachet e2e'): TokenHost {
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-e2e-token-'));
  const keys = names.map((name) => corpusKey(name, dir));
  const token = createToken(dir, label, keys);
  // One login serves the browser session, as the host's default cache would.
  const config = writeHostConfig(dir, { modules: [SOFTHSM_MODULE], pinCacheSeconds: 600 });
  return {
    dir,
    env: { ...token.env, CACHET_HOST_CONFIG: config, HOME: dir },
    certificates: Object.fromEntries(keys.map((k) => [k.name, k.certificate])),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
