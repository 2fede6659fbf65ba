/**
 * Hostile and broken input on the host's stdin (DESIGN.md invariant 5): each case gets
 * the documented error response, and the host keeps serving the requests after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostProcess } from './helpers/host-process';
import { writeHostConfig } from './helpers/token-fixtures';

let dir: string;
let env: NodeJS.ProcessEnv;
const hosts: HostProcess[] = [];

function start(args?: readonly string[]): HostProcess {
  const host = new HostProcess(env, args);
  hosts.push(host);
  return host;
}

function header(length: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness() === 'LE') b.writeUInt32LE(length);
  else b.writeUInt32BE(length);
  return b;
}

function frame(body: Buffer | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([header(bytes.length), bytes]);
}

/** The host still answers a normal request. */
async function stillServes(host: HostProcess): Promise<void> {
  const reply = await host.call('identities/list', {});
  expect(reply).toEqual({ ok: true, res: { identities: [] } });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cachet-hostile-'));
  env = { CACHET_HOST_CONFIG: writeHostConfig(dir, {}), HOME: dir };
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('native host handshake and origin', () => {
  it('answers hello with its protocol version and store list', async () => {
    const host = start();
    const hello = await host.hello();
    expect(hello.protocol).toBe(2);
    expect(hello.maxFrameBytes).toBeLessThan(1024 * 1024);
    expect(Array.isArray(hello.stores)).toBe(true);
  });

  it('refuses requests before hello with native/no-handshake', async () => {
    const host = start();
    expect(await host.call('identities/list', {})).toMatchObject({ ok: false, error: { code: 'native/no-handshake' } });
    await host.hello();
    await stillServes(host);
  });

  it('refuses another protocol version with native/version-mismatch', async () => {
    const host = start();
    expect(await host.call('hello', { protocol: 3, extensionVersion: '9.0.0' })).toMatchObject({ ok: false, error: { code: 'native/version-mismatch' } });
    expect(await host.call('identities/list', {})).toMatchObject({ ok: false, error: { code: 'native/no-handshake' } });
  });

  it('refuses a Chromium extension that is not Cachet and exits', async () => {
    const host = start(['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/']);
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/forbidden-origin' } });
    expect(await host.exited).toBe(1);
  });

  it('refuses to run without a caller origin', async () => {
    const host = start([]);
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/forbidden-origin' } });
    expect(await host.exited).toBe(1);
  });

  it('serves Firefox, which passes the manifest path and the add-on id', async () => {
    const host = start(['/home/u/.mozilla/native-messaging-hosts/org.cachet_smime.native.json', 'cachet@cachet-smime.org']);
    await host.hello();
    await stillServes(host);
  });

  it('refuses a Firefox add-on that is not Cachet', async () => {
    const host = start(['/home/u/.mozilla/native-messaging-hosts/org.cachet_smime.native.json', 'evil@example.com']);
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/forbidden-origin' } });
  });
});

describe('native host under hostile frames', () => {
  it('answers a frame that is not JSON with native/bad-json and goes on', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(frame('{"kind":"request",'));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-json' } });
    await stillServes(host);
  });

  it('answers a frame that is not UTF-8 with native/bad-json', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-json' } });
    await stillServes(host);
  });

  it('skips an oversized frame with native/frame-too-large and stays in step', async () => {
    const host = start();
    await host.hello();
    const size = 3 * 1024 * 1024;
    // The body looks like frames, so a reader that lost step would act on it.
    host.writeRaw(Buffer.concat([header(size), Buffer.alloc(size, frame('{"kind":"request","id":77,"type":"hello","req":{}}'))]));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/frame-too-large' } });
    await stillServes(host);
    expect(host.replies.get(77)).toBeUndefined();
  });

  it('answers a request of unknown type by id with native/unknown-type', async () => {
    const host = start();
    await host.hello();
    expect(await host.call('key/export', { identity: 'x' }, 'r1')).toMatchObject({ ok: false, error: { code: 'native/unknown-type' } });
    await stillServes(host);
  });

  it('answers wrong field types by id with input/invalid', async () => {
    const host = start();
    await host.hello();
    expect(await host.call('key/sign', { identity: 5, digest: 'AAAA', scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('key/sign', { identity: 'x', digest: 'not base64!', scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('key/sign', { identity: 'x', digest: Buffer.alloc(32).toString('base64'), scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'MD5' } })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('identities/list', { smuggled: true })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await host.call('pin/provide', { promptId: 'nope', pin: '1234' })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    await stillServes(host);
  });

  it('answers a broken envelope with native/bad-message, by id when it has one', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(frame('[1,2,3]'));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-message' } });
    host.writeRaw(frame('{"kind":"request","id":9,"type":"hello"}'));
    expect(await host.reply(9)).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    host.writeRaw(frame('{"kind":"request","id":10,"type":"hello","req":{},"extra":1}'));
    expect(await host.reply(10)).toMatchObject({ ok: false, error: { code: 'native/bad-message' } });
    host.writeRaw(frame('{"kind":"response","id":11,"ok":true,"res":{}}'));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-message' } });
    await stillServes(host);
  });

  it('reassembles a request sent in chunks', async () => {
    const host = start();
    host.send({ kind: 'request', id: 'big', type: 'hello', req: { protocol: 2, extensionVersion: '0.1.0' } }, 200);
    expect(await host.reply('big')).toMatchObject({ ok: true, res: { protocol: 2 } });
  });

  it('answers chunks out of order with native/bad-frame', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(frame(JSON.stringify({ kind: 'chunk', id: 'c', index: 1, count: 2, data: '{}' })));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-frame' } });
    host.writeRaw(frame(JSON.stringify({ kind: 'chunk', id: 'd', index: 0, count: 2, data: '{"kind":' })));
    host.writeRaw(frame(JSON.stringify({ kind: 'chunk', id: 'd', index: 0, count: 2, data: '{"kind":' })));
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-frame' } });
    await stillServes(host);
  });

  it('answers every request of a flood, with a result or native/busy, and keeps serving', async () => {
    const host = start();
    await host.hello();
    const count = 2000;
    const batch: Buffer[] = [];
    for (let id = 1000; id < 1000 + count; id++) batch.push(frame(JSON.stringify({ kind: 'request', id, type: 'identities/list', req: {} })));
    host.writeRaw(Buffer.concat(batch));
    for (let id = 1000; id < 1000 + count; id++) {
      const reply = await host.reply(id);
      if (!reply.ok) expect(reply.error.code).toBe('native/busy');
    }
    await stillServes(host);
  });

  it('answers input that ends inside a frame with native/bad-frame and exits cleanly', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(Buffer.concat([header(100), Buffer.from('{"kind":"req')]));
    host.child.stdin.end();
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-frame' } });
    expect(await host.exited).toBe(0);
  });

  it('exits cleanly when input ends inside a declared 4 GiB frame', async () => {
    const host = start();
    await host.hello();
    host.writeRaw(Buffer.concat([header(0xffffffff), Buffer.alloc(1000)]));
    host.child.stdin.end();
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/frame-too-large' } });
    expect(await host.reply(null)).toMatchObject({ ok: false, error: { code: 'native/bad-frame' } });
    expect(await host.exited).toBe(0);
  });

  it('exits cleanly when input ends between frames', async () => {
    const host = start();
    await host.hello();
    expect(await host.close()).toBe(0);
  });
});
