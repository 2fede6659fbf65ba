/**
 * A demo user's native host with state of its own: a copy of the user's SoftHSM2 token, and
 * a key store directory (mail accounts and their passwords) and HOME no other test shares.
 * A test may then take the token away, or leave a mail account pointing at a dead server,
 * without reaching the shared demo state (demo-pki.ts) that other files and the demo use.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoUser } from '../../native-host/tooling/demo/demo-pki';

export interface PrivateHost {
  /** The environment to start the host with (launchCachetBrowser's hostEnv). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Moves the token's own directory out of SoftHSM2's token directory, as a card pulled out
   * of its reader. The token directory itself stays: without it SoftHSM2 cannot be
   * initialised at all, which is a missing reader rather than a missing card.
   */
  removeToken(): void;
  /** Puts it back. */
  insertToken(): void;
}

/** Everything below `dir`, which the caller made (mkdtemp) and owns. */
export function privateHost(user: DemoUser, dir: string): PrivateHost {
  const tokenDir = path.join(dir, 'tokens');
  const awayDir = path.join(dir, 'removed-token');
  const softhsmConf = path.join(dir, 'softhsm2.conf');
  const configFile = path.join(dir, 'host.json');
  const home = path.join(dir, 'home');
  const keyStoreDir = path.join(dir, 'keys');
  const sharedConf = readFileSync(user.hostEnv['SOFTHSM2_CONF'] ?? '', 'utf8');
  const sharedTokens = /^directories\.tokendir\s*=\s*(.+)$/m.exec(sharedConf)?.[1]?.trim();
  if (sharedTokens === undefined) throw new Error(`no token directory in ${user.hostEnv['SOFTHSM2_CONF'] ?? 'the demo SoftHSM2 configuration'}`);

  cpSync(sharedTokens, tokenDir, { recursive: true });
  writeFileSync(softhsmConf, sharedConf.replace(/^directories\.tokendir\s*=.*$/m, `directories.tokendir = ${tokenDir}`));
  // The host refuses a key store directory that others can open.
  for (const made of [home, keyStoreDir]) mkdirSync(made, { recursive: true, mode: 0o700 });
  const config = JSON.parse(readFileSync(user.hostConfigFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, `${JSON.stringify({ ...config, keyStoreDir }, null, 2)}\n`);

  const [token, ...others] = readdirSync(tokenDir);
  if (token === undefined || others.length > 0) throw new Error(`${sharedTokens} should hold exactly one token`);
  const inserted = path.join(tokenDir, token);

  return {
    env: { ...user.hostEnv, SOFTHSM2_CONF: softhsmConf, CACHET_HOST_CONFIG: configFile, HOME: home },
    removeToken: () => renameSync(inserted, awayDir),
    insertToken: () => renameSync(awayDir, inserted),
  };
}
