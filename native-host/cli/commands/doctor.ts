import { existsSync } from 'node:fs';
import { EXIT_NOT_GOOD, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import path from 'node:path';
import { BROWSERS, manifestDirectory, type Browser } from '../../install/browsers';
import { defaultHostScript, homeDirectory } from '../../install/install-arguments';
import { registrationState } from '../../install/install-host';
import { certificateInfo } from '../../stores/certificate-info';
import { hostConfigPath, loadHostConfig } from '../../stores/host-config';
import { openLocalStores } from '../../stores/local-stores';

type Verdict = 'ok' | 'problem' | 'n/a';

/** The per-user profile directory that shows a browser is in use. */
function browserProfileExists(browser: Browser, home: string): boolean {
  if (process.platform === 'win32') return true;
  return existsSync(path.dirname(manifestDirectory(browser, 'user', process.platform, home)));
}

/** `cachet doctor`: checks everything the extension needs from this machine. */
export const doctor: Command = {
  name: 'doctor',
  summary: 'check the native host setup and say how to fix problems',
  usage: `usage: cachet doctor [--user-data-dir DIR]

Checks Node.js, the host build, the host registration of each browser (or of the
Chromium profile in DIR), the host configuration, the PKCS#11 modules, the tokens in
them, the NSS databases, the Cachet key store and the identities found. Each line is ok, problem (with the fix)
or n/a. Exit code 0 when nothing is a problem, 1 otherwise.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    let userDataDir: string | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--user-data-dir' && args[i + 1] !== undefined) userDataDir = path.resolve(args[++i] ?? '');
      else throw new UsageError(`unknown option ${args[i] ?? ''}`);
    }
    let problems = 0;
    const line = (verdict: Verdict, text: string, fix?: string): void => {
      if (verdict === 'problem') problems++;
      io.stdout.write(`${verdict.padEnd(8)} ${text}${fix ? `\n         fix: ${fix}` : ''}\n`);
    };

    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    if (major > 20 || (major === 20 && minor >= 19)) line('ok', `Node.js ${process.versions.node}`);
    else line('problem', `Node.js ${process.versions.node} is too old`, 'install Node.js 20.19 or newer');

    const hostScript = defaultHostScript();
    if (existsSync(hostScript)) line('ok', `host built: ${hostScript}`);
    else line('problem', `host not built: ${hostScript} is missing`, 'npm run build');

    const home = homeDirectory(process.env);
    const targets: { browser: Browser; userDataDir?: string }[] = userDataDir
      ? [{ browser: 'chromium', userDataDir }]
      : BROWSERS.map((browser) => ({ browser }));
    for (const t of targets) {
      const where = { scope: 'user' as const, platform: process.platform, home, env: process.env, ...(t.userDataDir ? { userDataDir: t.userDataDir } : {}) };
      const state = await registrationState(t.browser, where);
      const system = t.userDataDir || process.platform === 'win32' ? undefined : await registrationState(t.browser, { ...where, scope: 'system' });
      const fix = `cachet host install --browser ${t.browser}${t.userDataDir ? ` --user-data-dir ${t.userDataDir}` : ''}`;
      if (state.state === 'ok') line('ok', `${t.browser}: host registered (${state.manifest})`);
      else if (system?.state === 'ok') line('ok', `${t.browser}: host registered for all users (${system.manifest})`);
      else if (state.state === 'broken') line('problem', `${t.browser}: ${state.manifest}: ${state.problem}`, fix);
      else if (process.platform === 'win32') line('n/a', `${t.browser}: registry entries are not checked on Windows; run ${fix} and import the .reg file`);
      else if (!t.userDataDir && !browserProfileExists(t.browser, home)) line('n/a', `${t.browser}: not used by this user`);
      else line('problem', `${t.browser}: host not registered`, fix);
    }

    try {
      loadHostConfig();
      line('ok', `host configuration: ${existsSync(hostConfigPath()) ? hostConfigPath() : 'defaults (no file)'}`);
    } catch (error) {
      line('problem', `host configuration: ${error instanceof Error ? error.message : String(error)}`, `fix or remove ${hostConfigPath()}`);
    }

    const stores = openLocalStores();
    try {
      for (const s of stores.registry.statuses()) {
        const what = s.kind === 'pkcs11' ? `PKCS#11 module ${s.label}` : s.kind === 'nss' ? `NSS database ${s.label}` : s.label;
        if (s.available) line('ok', `${what}: ${s.detail}`);
        else if (s.kind === 'macos-keychain' || s.kind === 'windows-cng') line('n/a', `${what}: ${s.detail}`);
        else if (s.kind === 'pkcs12') line('problem', `${what}: ${s.detail}`, `make the directory yours alone (chmod 700), or set keyStoreDir in ${hostConfigPath()}`);
        else line('problem', `${what}: ${s.detail}`, s.kind === 'nss' ? 'install libnss3 (Debian: apt-get install libnss3)' : 'install the module or remove it from the host configuration');
      }
      if (!stores.registry.statuses().some((s) => s.kind === 'pkcs11')) line('n/a', 'no PKCS#11 module found (smart cards need OpenSC: apt-get install opensc)');
      if (!stores.registry.statuses().some((s) => s.kind === 'nss')) line('n/a', 'no NSS database found (Chrome: ~/.pki/nssdb; Firefox profiles)');
      const list = await stores.registry.listIdentities();
      // The key store was reported with the stores; only tokens have PINs to check.
      const tokens = new Map(list.filter((i) => i.store.kind !== 'pkcs12').map((i) => [`${i.store.module}\u0000${i.token.serial}\u0000${i.token.label}`, i]));
      for (const i of tokens.values()) {
        if (i.token.pin.locked) line('problem', `token ${i.token.label}: PIN locked`, 'unblock the PIN with the card issuer\'s tool (PUK)');
        else line('ok', `token ${i.token.label} (${i.store.kind}): present${i.token.pin.finalTry ? ', one PIN try left' : i.token.pin.countLow ? ', PIN tries running low' : ''}${i.token.protectedAuthPath ? ', PIN pad' : ''}`);
      }
      const now = Date.now();
      let usable = 0;
      for (const i of list) {
        const info = certificateInfo(Buffer.from(i.certificate, 'base64'));
        const name = `${info?.addresses.join(', ') || info?.subject || i.id} on ${i.store.label}`;
        if (!info || info.notAfter.getTime() < now) line('problem', `identity ${name}: certificate expired`, 'renew the certificate');
        else if (i.usages.length === 0) line('problem', `identity ${name}: the certificate allows neither signing nor decryption`, 'use a certificate issued for e-mail protection');
        else {
          usable++;
          line('ok', `identity ${name}: ${i.usages.join(', ')}`);
        }
      }
      if (usable === 0) line('problem', 'no usable identity: nothing to sign or decrypt with', 'insert the smart card, or import a PKCS#12 file: cachet key import --p12 FILE');
    } finally {
      stores.close();
    }
    return problems === 0 ? EXIT_OK : EXIT_NOT_GOOD;
  },
};
