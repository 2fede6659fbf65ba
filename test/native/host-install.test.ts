/**
 * `cachet host install` / `uninstall`: the manifests land where each browser reads them,
 * with the fields browsers check, and the launcher they name really starts the host.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCachet } from '../support/run-cachet';
import { installHost, planInstall, uninstallHost } from '../../native-host/install/install-host';
import { HostProcess, ROOT } from './helpers/host-process';
import { writeHostConfig } from './helpers/token-fixtures';

let dir: string;
const hostScript = path.join(ROOT, 'native-host/host/main.ts');
const target = { node: process.execPath, hostScript, root: ROOT };

const cachet = (args: readonly string[]) => runCachet(args);

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-install-'));
  // doctor opens the key stores in this process: keep it off the machine's own.
  process.env.CACHET_HOST_CONFIG = writeHostConfig(dir, {});
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cachet host install', () => {
  it('writes TMP/NativeMessagingHosts/org.cachet_smime.native.json for Chromium with --user-data-dir', async () => {
    const userDataDir = path.join(dir, 'chromium-profile');
    const { code, out } = await cachet(['host', 'install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--host-script', hostScript]);
    expect(code).toBe(0);
    const file = path.join(userDataDir, 'NativeMessagingHosts', 'org.cachet_smime.native.json');
    expect(out).toContain(file);
    const manifest = readJson(file);
    expect(manifest).toEqual({
      name: 'org.cachet_smime.native',
      description: expect.any(String) as unknown,
      path: path.join(userDataDir, 'NativeMessagingHosts', 'cachet-native-host'),
      type: 'stdio',
      allowed_origins: ['chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn/'],
    });
    expect(statSync(manifest.path as string).mode & 0o111).not.toBe(0);
  });

  it('names a launcher that starts a host which answers hello over stdio', async () => {
    const userDataDir = path.join(dir, 'launch');
    await cachet(['host', 'install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--host-script', hostScript]);
    const manifest = readJson(path.join(userDataDir, 'NativeMessagingHosts', 'org.cachet_smime.native.json'));
    const host = new HostProcess({ CACHET_HOST_CONFIG: path.join(dir, 'no-config.json'), HOME: dir }, ['chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn/'], manifest.path as string);
    expect((await host.hello()).protocol).toBe(2);
    expect(await host.close()).toBe(0);
  });

  it('writes the Firefox manifest with allowed_extensions under ~/.mozilla', async () => {
    const home = path.join(dir, 'home-firefox');
    await installHost({ browsers: ['firefox'], scope: 'user', platform: 'linux', home, env: {}, target });
    const manifest = readJson(path.join(home, '.mozilla/native-messaging-hosts/org.cachet_smime.native.json'));
    expect(manifest).toMatchObject({ name: 'org.cachet_smime.native', type: 'stdio', allowed_extensions: ['cachet@cachet-smime.org'] });
    expect(manifest.allowed_origins).toBeUndefined();
    expect(manifest.path).toBe(path.join(home, '.local/share/cachet/cachet-native-host'));
  });

  it('installs for every browser on Linux and macOS, and uninstall removes it all', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const home = path.join(dir, `home-all-${platform}`);
      const { written } = await installHost({ browsers: ['chrome', 'chromium', 'edge', 'brave', 'firefox'], scope: 'user', platform, home, env: {}, target });
      const expected = platform === 'linux'
        ? ['.config/google-chrome/NativeMessagingHosts', '.config/chromium/NativeMessagingHosts', '.config/microsoft-edge/NativeMessagingHosts', '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts', '.mozilla/native-messaging-hosts']
        : ['Library/Application Support/Google/Chrome/NativeMessagingHosts', 'Library/Application Support/Chromium/NativeMessagingHosts', 'Library/Application Support/Microsoft Edge/NativeMessagingHosts', 'Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts', 'Library/Application Support/Mozilla/NativeMessagingHosts'];
      for (const d of expected) expect(written).toContain(path.join(home, d, 'org.cachet_smime.native.json'));
      const { written: removed } = await uninstallHost({ browsers: ['chrome', 'chromium', 'edge', 'brave', 'firefox'], scope: 'user', platform, home, env: {} });
      expect(removed).toHaveLength(written.length);
      for (const f of written) expect(existsSync(f)).toBe(false);
    }
  });

  it('plans a .reg file for Windows that points each browser at its manifest', () => {
    const local = 'C:\\Users\\ada\\AppData\\Local';
    const { files, notes } = planInstall({ browsers: ['chrome', 'firefox'], scope: 'user', platform: 'win32', home: 'C:\\Users\\ada', env: { LOCALAPPDATA: local }, target });
    const reg = files.find((f) => f.path.endsWith('.reg'));
    expect(reg?.path).toBe('C:\\Users\\ada\\AppData\\Local\\Cachet\\cachet-host-user.reg');
    const text = reg?.content ?? '';
    expect(text).toContain('Windows Registry Editor Version 5.00');
    expect(text).toContain('[HKEY_CURRENT_USER\\Software\\Google\\Chrome\\NativeMessagingHosts\\org.cachet_smime.native]');
    expect(text).toContain('[HKEY_CURRENT_USER\\Software\\Mozilla\\NativeMessagingHosts\\org.cachet_smime.native]');
    expect(text).toContain('@="C:\\\\Users\\\\ada\\\\AppData\\\\Local\\\\Cachet\\\\firefox\\\\org.cachet_smime.native.json"');
    expect(files.map((f) => f.path)).toContain('C:\\Users\\ada\\AppData\\Local\\Cachet\\cachet-native-host.bat');
    expect(notes.join('\n')).toContain('reg import');
  });

  it('refuses to write a Windows registration on another system', async () => {
    await expect(installHost({ browsers: ['chrome'], scope: 'user', platform: 'win32', home: dir, env: {}, target }))
      .rejects.toMatchObject({ code: 'input/invalid' });
  });

  it('refuses to install a host that is not built', async () => {
    await expect(installHost({ browsers: ['chromium'], scope: 'user', platform: 'linux', home: dir, env: {}, target: { ...target, hostScript: path.join(dir, 'missing.mjs') } }))
      .rejects.toMatchObject({ code: 'input/invalid' });
  });

  it('rejects an unknown browser with a usage error', async () => {
    const { code, err } = await cachet(['host', 'install', '--browser', 'netscape']);
    expect(code).toBe(2);
    expect(err).toContain('unknown browser');
  });

  it('cachet doctor sees the registration and a broken one', async () => {
    const userDataDir = path.join(dir, 'doctor');
    await cachet(['host', 'install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--host-script', hostScript]);
    const good = await cachet(['doctor', '--user-data-dir', userDataDir]);
    expect(good.out).toMatch(/^ok +chromium: host registered/m);
    rmSync(path.join(userDataDir, 'NativeMessagingHosts', 'cachet-native-host'));
    const bad = await cachet(['doctor', '--user-data-dir', userDataDir]);
    expect(bad.out).toMatch(/^problem +chromium: .*launcher .* is missing/m);
    expect(bad.out).toContain('fix: cachet host install --browser chromium');
    expect(bad.code).toBe(1);
  });
});
