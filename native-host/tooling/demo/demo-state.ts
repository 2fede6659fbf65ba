/**
 * What the `npm start` demo keeps from one run to the next: the demo identities
 * (demo-pki.ts) and one Chromium profile per demo user, all in $CACHET_DEMO_STATE, by
 * default /var/tmp/cachet-demo (where the webmail tests keep the same identities).
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertProfileFree } from './cachet-browser';
import { DEFAULT_DEMO_STATE_DIR, DEMO_USER_NAMES, ensureDemoPki, type DemoPki, type DemoUserName } from './demo-pki';

export interface DemoState {
  readonly pki: DemoPki;
  /** Chromium's user data directory for each demo user. */
  readonly profiles: Readonly<Record<DemoUserName, string>>;
}

function writableStateDir(): string {
  const dir = path.resolve(process.env.CACHET_DEMO_STATE ?? DEFAULT_DEMO_STATE_DIR);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new Error(`the demo keeps its identities and browser profiles in ${dir}, which you cannot write ` +
      `(${(error as NodeJS.ErrnoException).code ?? String(error)}): run as root, or set CACHET_DEMO_STATE to a folder of yours`, { cause: error });
  }
  return dir;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Makes or reuses the demo identities and the profiles. A profile trusts the CA and holds
 * the peers' certificates it was seeded with; when the identities are made anew (a
 * certificate near its end, a new layout) the profiles start afresh with them.
 */
export function ensureDemoState(): DemoState {
  const pki = ensureDemoPki({ stateDir: writableStateDir() });
  const dir = path.join(pki.stateDir, 'browsers');
  const profiles = Object.fromEntries(DEMO_USER_NAMES.map((user) => [user, path.join(dir, user)])) as Record<DemoUserName, string>;
  const stamp = path.join(dir, 'demo-ca.sha256');
  const fingerprint = `${createHash('sha256').update(pki.ca.der).digest('hex')}\n`;
  if (readOrEmpty(stamp) !== fingerprint) {
    for (const profile of Object.values(profiles)) {
      assertProfileFree(profile);
      rmSync(profile, { recursive: true, force: true });
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(stamp, fingerprint);
  }
  return { pki, profiles };
}
