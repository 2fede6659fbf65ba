import { describe, expect, it } from 'vitest';
import { createNativeClient, type NativeEvent } from '../../background/native/native-client';
import { nativeHostStatus, stateFromDisconnect } from '../../background/native/native-status';
import { isCachetError } from '../../src/errors';
import { fakeNativeHost, helloRes, ok, type Request } from './fake-native-host';

const fresh = { countLow: false, finalTry: false, locked: false };

function manualTimers() {
  const timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];
  return {
    timers,
    startTimer: (ms: number, fire: () => void) => {
      const timer = { ms, fire, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
  };
}

function setup(answer: Parameters<typeof fakeNativeHost>[0]) {
  const hosts: ReturnType<typeof fakeNativeHost>[] = [];
  const events: NativeEvent[] = [];
  const protocolErrors: unknown[] = [];
  const { timers, startTimer } = manualTimers();
  const client = createNativeClient({
    connect: () => {
      const host = fakeNativeHost(answer);
      hosts.push(host);
      return host.port;
    },
    disconnectReason: (port) => port.error?.message,
    extensionVersion: '0.1.0',
    onEvent: (e) => events.push(e),
    onProtocolError: (e) => protocolErrors.push(e),
    startTimer,
  });
  return { client, hosts, events, protocolErrors, timers };
}

const standardHost = (request: Request) => {
  if (request.type === 'hello') return ok(request, helloRes);
  if (request.type === 'session/logout') return ok(request, { tokens: 2 });
  if (request.type === 'pin/provide') return ok(request, { result: 'accepted', pin: fresh });
  return undefined;
};

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return isCachetError(error) ? error.code : `other: ${String(error)}`;
  }
};

describe('native client', () => {
  it('says hello first, then sends the request with its own id, and validates the answer', async () => {
    const { client, hosts } = setup(standardHost);
    expect(await client.request('session/logout', {})).toEqual({ tokens: 2 });
    expect(hosts).toHaveLength(1);
    expect(hosts[0]?.received.map((r) => [r.type, r.req])).toEqual([
      ['hello', { protocol: 2, extensionVersion: '0.1.0' }],
      ['session/logout', {}],
    ]);
    expect(new Set(hosts[0]?.received.map((r) => r.id)).size).toBe(2);
  });

  it('says hello once per connection', async () => {
    const { client, hosts } = setup(standardHost);
    await client.request('session/logout', {});
    await client.request('session/logout', {});
    expect(hosts[0]?.received.filter((r) => r.type === 'hello')).toHaveLength(1);
  });

  it('turns a host error into a CachetError with its code', async () => {
    const { client } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : { kind: 'response', id: r.id, ok: false, error: { code: 'pin/locked', message: 'locked' } }));
    expect(await codeOf(client.request('session/logout', {}))).toBe('pin/locked');
  });

  it('refuses an answer that does not fit the request type', async () => {
    const { client } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : ok(r, { tokens: 'two' })));
    expect(await codeOf(client.request('session/logout', {}))).toBe('input/invalid');
  });

  it('refuses a host that speaks another protocol version, and starts afresh next time', async () => {
    let version = 3;
    const { client, hosts } = setup((r) => (r.type === 'hello' ? ok(r, { ...helloRes, protocol: version }) : standardHost(r)));
    expect(await codeOf(client.request('session/logout', {}))).toBe('native/version-mismatch');
    expect(hosts[0]?.connected).toBe(false);
    version = 2;
    expect(await client.request('session/logout', {})).toEqual({ tokens: 2 });
    expect(hosts).toHaveLength(2);
  });

  it('reassembles a chunked answer', async () => {
    const identities = Array.from({ length: 40 }, (_, i) => ({
      id: `id${i}`, certificate: 'MIIB', store: { kind: 'pkcs11', label: 'SoftHSM', module: '/usr/lib/softhsm/libsofthsm2.so' },
      token: { label: 'Bob', serial: '1', manufacturer: 'm', model: 'x', loginRequired: true, loggedIn: false, protectedAuthPath: false, pin: fresh },
      hardware: true, keyType: 'RSA', usages: ['sign', 'decrypt'],
    }));
    const { client, hosts } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : undefined));
    const answer = client.request('identities/list', {});
    const host = hosts[0];
    if (!host) throw new Error('no connection');
    host.emit(ok(await host.nextRequest('identities/list'), { identities }), 1024);
    expect((await answer).identities).toHaveLength(40);
  });

  it('chunks a request larger than a frame', async () => {
    const { client, hosts } = setup(standardHost);
    await client.hello();
    const digest = 'A'.repeat(1_500_000);
    const chunked = hosts[0]?.nextRequest('chunk');
    void client.request('key/sign', { identity: 'id', digest, scheme: { name: 'ECDSA', hash: 'SHA-256' } }).catch(() => undefined);
    await chunked;
    const frames = hosts[0]?.received.slice(1) as unknown as { kind: string; index: number; count: number }[];
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.every((f) => f.kind === 'chunk' && f.count === frames.length)).toBe(true);
  });

  it('fails every open request when the port drops, with the browser reason, and reconnects on the next call', async () => {
    const { client, hosts } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : undefined));
    const open = client.request('identities/list', {});
    await client.hello();
    hosts[0]?.drop('Native host has exited.');
    let caught: unknown;
    try {
      await open;
    } catch (error) {
      caught = error;
    }
    expect(isCachetError(caught) && caught.code).toBe('native/unavailable');
    expect((caught as Error).message).toBe('Native host has exited.');
    await client.hello();
    expect(hosts).toHaveLength(2);
  });

  it('times out a request the host never answers, using the per-type limit', async () => {
    const { client, hosts, timers } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : undefined));
    const answer = client.request('session/logout', {});
    await hosts[0]?.nextRequest('session/logout');
    const timer = timers.find((t) => t.ms === 30_000 && !t.cancelled);
    expect(timer).toBeDefined();
    timer?.fire();
    expect(await codeOf(answer)).toBe('native/timeout');
  });

  it('gives key operations time for a PIN', () => {
    const { client, timers } = setup((r) => (r.type === 'hello' ? ok(r, helloRes) : undefined));
    void client.hello();
    expect(timers[0]?.ms).toBe(10_000);
  });

  it('passes validated events on, and drops broken ones', async () => {
    const { client, hosts, events, protocolErrors } = setup(standardHost);
    await client.hello();
    const needed = { promptId: 'p1', token: { label: 'Bob', serial: '7' }, pin: fresh, timeoutSeconds: 60 };
    hosts[0]?.emit({ kind: 'event', event: 'pin/needed', data: needed });
    hosts[0]?.emit({ kind: 'event', event: 'pin/needed', data: { promptId: 5 } });
    hosts[0]?.emitRaw('not json object');
    hosts[0]?.emitRaw({ kind: 'chunk', id: 'x', index: 3, count: 4, data: '' });
    expect(events).toEqual([{ event: 'pin/needed', data: needed }]);
    expect(protocolErrors).toHaveLength(3);
  });

  it('ignores answers to ids it never asked', async () => {
    const { client, hosts, protocolErrors } = setup(standardHost);
    await client.hello();
    hosts[0]?.emit({ kind: 'response', id: 999, ok: true, res: {} });
    expect(protocolErrors).toEqual([]);
    expect(await client.request('session/logout', {})).toEqual({ tokens: 2 });
  });
});

describe('native host status', () => {
  it.each([
    ['Specified native messaging host not found.', 'not-installed'],
    ['No such native application org.cachet_smime.native', 'not-installed'],
    ['Access to the specified native messaging host is forbidden.', 'forbidden'],
    ['Failed to start native messaging host.', 'failed-to-start'],
    ['Native host has exited.', 'exited'],
    ['Something else', 'error'],
  ])('maps "%s" to %s', (message, state) => {
    expect(stateFromDisconnect(message)).toBe(state);
  });

  it('is connected after a successful hello', async () => {
    const { client } = setup(standardHost);
    expect(await nativeHostStatus(client)).toEqual({ state: 'connected', detail: 'Cachet host 0.1.0 (linux-x64)' });
  });

  it('reports the browser reason when the host cannot be reached', async () => {
    const { client, hosts } = setup(() => undefined);
    const status = nativeHostStatus(client);
    hosts[0]?.drop('Specified native messaging host not found.');
    expect(await status).toEqual({ state: 'not-installed', detail: 'Specified native messaging host not found.' });
  });

  it('reports a connect that throws', async () => {
    const { client } = setup(() => undefined);
    const throwing = createNativeClient({
      connect: () => {
        throw new Error('Access to the specified native messaging host is forbidden.');
      },
      disconnectReason: () => undefined, extensionVersion: '0', onEvent: () => {}, onProtocolError: () => {}, startTimer: () => () => {},
    });
    expect((await nativeHostStatus(throwing)).state).toBe('forbidden');
    client.close();
  });
});
