/**
 * End to end with Debian's Chromium: `cachet host install --browser chromium
 * --user-data-dir DIR` produces a registration Chromium accepts. A probe extension with
 * Cachet's key (so Cachet's id) reaches the host and gets the hello answer; a probe with
 * another id is refused by Chromium because of allowed_origins.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../native-host/cli/main';
import { NATIVE_HOST_NAME } from '../../src/protocol/native';
import { ROOT } from './helpers/host-process';
import { writeHostConfig } from './helpers/token-fixtures';

const CHROMIUM = '/usr/lib/chromium/chromium';

let dir: string;
let server: Server;
let chromium: ChildProcess | undefined;
const reports = new Map<string, unknown>();
const waiters: (() => void)[] = [];

/** A one-file MV3 extension whose worker asks the host for hello and posts the answer. */
function probeExtension(name: string, port: number, key?: string): string {
  const ext = path.join(dir, name);
  mkdirSync(ext, { recursive: true });
  writeFileSync(path.join(ext, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name, version: '1.0', ...(key ? { key } : {}),
    background: { service_worker: 'worker.js' }, permissions: ['nativeMessaging'], host_permissions: ['http://127.0.0.1/*'],
  }));
  const hello = { kind: 'request', id: 1, type: 'hello', req: { protocol: 2, extensionVersion: 'probe' } };
  writeFileSync(path.join(ext, 'worker.js'), `
chrome.runtime.sendNativeMessage(${JSON.stringify(NATIVE_HOST_NAME)}, ${JSON.stringify(hello)}, (answer) => {
  const error = chrome.runtime.lastError ? chrome.runtime.lastError.message : null;
  fetch('http://127.0.0.1:${port}/report/${name}', { method: 'POST', body: JSON.stringify({ id: chrome.runtime.id, answer, error }) });
});
`);
  return ext;
}

async function report(name: string): Promise<Record<string, unknown>> {
  for (;;) {
    const value = reports.get(name);
    if (value !== undefined) return value as Record<string, unknown>;
    if (chromium && chromium.exitCode !== null) throw new Error(`chromium exited (${chromium.exitCode}) before ${name} reported`);
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-chromium-'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const name = (req.url ?? '').split('/').pop() ?? '';
      reports.set(name, JSON.parse(body));
      res.end('ok');
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const key = (JSON.parse(readFileSync(path.join(ROOT, 'manifest.json'), 'utf8')) as { key: string }).key;
  const cachetProbe = probeExtension('cachet', port, key);
  const otherProbe = probeExtension('other', port);
  const userDataDir = path.join(dir, 'profile');
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough() };
  const code = await main(['host', 'install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--host-script', path.join(ROOT, 'native-host/host/main.ts')], io);
  if (code !== 0) throw new Error('cachet host install failed');
  chromium = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${userDataDir}`,
    `--disable-extensions-except=${cachetProbe},${otherProbe}`, `--load-extension=${cachetProbe},${otherProbe}`, 'about:blank',
  ], { env: { ...process.env, HOME: dir, CACHET_HOST_CONFIG: writeHostConfig(dir, {}) }, stdio: 'ignore', detached: true });
  chromium.on('exit', () => { for (const w of waiters.splice(0)) w(); });
});

afterAll(async () => {
  if (chromium?.pid !== undefined && chromium.exitCode === null) {
    const exited = new Promise((resolve) => chromium?.once('exit', resolve));
    // The browser and the helpers it started share its process group.
    process.kill(-chromium.pid, 'SIGTERM');
    await exited;
  }
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('Chromium reaches the installed host', () => {
  it('starts the host for Cachet\'s extension id and returns its hello answer', async () => {
    const r = await report('cachet');
    expect(r.id).toBe('beglfbkfegljnkmhdkjjekghmmefnefn');
    expect(r.error).toBeNull();
    expect(r.answer).toMatchObject({ kind: 'response', id: 1, ok: true, res: { protocol: 2, hostVersion: expect.any(String) as unknown } });
  });

  it('refuses another extension, which allowed_origins does not name', async () => {
    const r = await report('other');
    expect(r.id).not.toBe('beglfbkfegljnkmhdkjjekghmmefnefn');
    expect(r.answer ?? null).toBeNull();
    expect(String(r.error)).toMatch(/forbidden/i);
  });
});
