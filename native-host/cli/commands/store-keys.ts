/**
 * `--token LABEL [--module PATH]... [--pin-file F]` and `--nssdb DIR` for `cachet sign` and
 * `cachet decrypt`: keys that stay on a token or in an NSS database, used through the same
 * stores the native host opens. The PIN comes from a file (first line), never from the
 * command line, where other users could read it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NativeKeyOperator } from '../../../src/protocol/native-key-operator';

export const STORE_KEY_OPTIONS = ['--token', '--module', '--pin-file', '--nssdb'] as const;

export const STORE_KEY_USAGE = `  --token LABEL       use the key on the PKCS#11 token with this label (smart card, SoftHSM)
  --module PATH       PKCS#11 module to load (repeatable; default: the host's configuration)
  --pin-file F        read the token PIN from the first line of F
  --nssdb DIR         use the keys of this NSS database (the Linux certificate store)`;

export interface StoreKeys {
  readonly operators: readonly NativeKeyOperator[];
  close(): void;
}

/** Undefined when none of the store options was given. */
export async function openStoreKeys(values: ReadonlyMap<string, readonly string[]>, log: (line: string) => void): Promise<StoreKeys | undefined> {
  const token = values.get('--token')?.at(-1);
  const nssDatabases = (values.get('--nssdb') ?? []).map((d) => path.resolve(d));
  if (token === undefined && nssDatabases.length === 0) return undefined;
  const pinFile = values.get('--pin-file')?.at(-1);
  const pin = pinFile === undefined ? undefined : (await readFile(pinFile, 'utf8')).split(/\r?\n/)[0] ?? '';
  // The stores (PKCS#11 through its native addon) load only for a command that uses them.
  const [{ openLocalStores }, { registryKeyOperators }] = await Promise.all([import('../../stores/local-stores'), import('../../stores/registry-key-operators')]);
  const stores = openLocalStores({
    modules: (values.get('--module') ?? []).map((m) => path.resolve(m)),
    nssDatabases,
    ...(pin === undefined ? {} : { pin }),
    log,
  });
  try {
    return { operators: await registryKeyOperators(stores.registry, token), close: () => stores.close() };
  } catch (error) {
    stores.close();
    throw error;
  }
}
