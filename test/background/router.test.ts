import { describe, expect, it, vi } from 'vitest';
import { allowList } from '../../background/allow-list';
import type { Handlers } from '../../background/handler';
import { createRouter } from '../../background/router';
import type { MessageSenderLike } from '../../background/sender';
import { CachetError } from '../../src/errors';
import type { RuntimeCommand } from '../../src/protocol/runtime';
import { isRuntimeCommand } from '../../src/protocol/runtime-requests';

const self = { id: 'beglfbkfegljnkmhdkjjekghmmefnefn', origin: 'chrome-extension://beglfbkfegljnkmhdkjjekghmmefnefn' };
const popup: MessageSenderLike = { id: self.id, url: `${self.origin}/popup.html` };
const options: MessageSenderLike = { id: self.id, url: `${self.origin}/options.html`, frameId: 0, tab: { id: 2 } };
const pinPage: MessageSenderLike = { id: self.id, url: `${self.origin}/pin.html#p1`, frameId: 0, tab: { id: 5 } };
const frame: MessageSenderLike = { id: self.id, url: `${self.origin}/reader.html`, frameId: 3, tab: { id: 6 } };
const composeFrame: MessageSenderLike = { id: self.id, url: `${self.origin}/compose.html`, frameId: 4, tab: { id: 6 } };
const passwordPage: MessageSenderLike = { id: self.id, url: `${self.origin}/password.html#p1`, frameId: 0, tab: { id: 9 } };
const framedPassword: MessageSenderLike = { id: self.id, url: `${self.origin}/password.html#p1`, frameId: 3, tab: { id: 6 } };
const framedPin: MessageSenderLike = { id: self.id, url: `${self.origin}/pin.html#p1`, frameId: 2, tab: { id: 6 } };
const readerPage: MessageSenderLike = { id: self.id, url: `${self.origin}/reader.html`, frameId: 0, tab: { id: 7 } };
const composePage: MessageSenderLike = { id: self.id, url: `${self.origin}/compose.html`, frameId: 0, tab: { id: 8 } };
const content: MessageSenderLike = { id: self.id, url: 'https://mail.example.org/', frameId: 0, tab: { id: 6 } };

/** A valid request for every command, so the tests reach the allow-list and the handler. */
const validRequests: { [K in RuntimeCommand]: unknown } = {
  'policy/get': {},
  'policy/set-user': { key: 'alwaysSign', value: true },
  'policy/reset-user': { key: 'alwaysSign' },
  'native/status': {},
  'address-book/list': {},
  'address-book/import': { fileName: 'a.pem', data: 'AAAA' },
  'address-book/delete': { fingerprint: 'a'.repeat(64) },
  'address/status': { addresses: ['bob@example.org'] },
  'frame/open-reader': { messageId: 'm1', source: 'AAAA' },
  'frame/prefetch-source': { sourceUrl: 'https://mail.example.org/?_action=viewsource&_uid=1' },
  'frame/open-compose': { fields: { from: '', to: ['bob@example.org'], cc: [], bcc: [], subject: 'Hi' }, mode: 'new' },
  'compose/open-frame': { token: 't1' },
  'compose/send': {
    slot: 's1',
    message: {
      from: 'alice@example.org', to: ['bob@example.org'], cc: [], bcc: [], subject: 's', text: 't',
      attachments: [], sign: true, encrypt: true, encryptDespiteMissing: false,
    },
  },
  'compose/close': { slot: 's1' },
  'password/info': { promptId: 'p1' },
  'password/provide': { promptId: 'p1', answer: { user: 'alice', password: 'secret', remember: false } },
  'password/cancel': { promptId: 'p1' },
  'site/status': { origin: 'https://mail.example.org' },
  'site/enable': { origin: 'https://mail.example.org' },
  'site/disable': { origin: 'https://mail.example.org' },
  'trust/list': {},
  'trust/add': { list: 'trustedRoots', data: 'AAAA' },
  'trust/remove': { list: 'untrustedCertificates', fingerprint: 'b'.repeat(64) },
  'pin/info': { promptId: 'p1' },
  'pin/provide': { promptId: 'p1', pin: '1234' },
  'pin/cancel': { promptId: 'p1' },
  'identities/list': {},
  'identities/set-default': { id: 'i1' },
  'reader/open': { data: 'AAAA' },
  'reader/open-frame': { token: 't1' },
  'reader/validation': { sessionId: 's1' },
  'reader/attachment': { sessionId: 's1', index: 0 },
  'compose/recipients': { addresses: ['bob@example.org'] },
  'compose/build': {
    from: 'alice@example.org', to: ['bob@example.org'], cc: [], bcc: [], subject: 's', text: 't',
    attachments: [], sign: true, encrypt: true, encryptDespiteMissing: false,
  },
  'indicator/get': {},
  'indicator/set': { phrase: 'amber otter', colour: 'teal', glyph: 'A' },
  'oauth/accounts': {},
  'oauth/sign-in': { provider: 'google' },
  'oauth/sign-out': { provider: 'microsoft' },
};
const commands = Object.keys(validRequests) as RuntimeCommand[];

function setup() {
  const calls: { type: string; req: unknown; sender: unknown }[] = [];
  const handlers = Object.fromEntries(
    commands.map((type) => [type, (req: unknown, sender: unknown) => {
      calls.push({ type, req, sender });
      return Promise.resolve({ handled: type });
    }]),
  ) as unknown as Handlers;
  const log = vi.fn();
  return { route: createRouter(self, handlers, log), calls, handlers, log };
}

const message = (type: string, req: unknown = validRequests[type as RuntimeCommand]) => ({ cachet: 1, type, req });

describe('router', () => {
  it('knows every command of the map', () => {
    for (const type of commands) expect(isRuntimeCommand(type)).toBe(true);
    expect(isRuntimeCommand('toString')).toBe(false);
    expect(isRuntimeCommand('__proto__')).toBe(false);
  });

  it('lets a content script ask only for a reader or compose frame, a source fetched ahead, and address status', async () => {
    const { route, calls } = setup();
    const allowed: string[] = [];
    for (const type of commands) {
      const reply = await route(message(type), content);
      if (reply.ok) allowed.push(type);
      else expect(reply.error.code, type).toBe('runtime/forbidden');
    }
    expect(allowed.sort()).toEqual(['address/status', 'frame/open-compose', 'frame/open-reader', 'frame/prefetch-source']);
    expect(calls.map((c) => c.type).sort()).toEqual(['address/status', 'frame/open-compose', 'frame/open-reader', 'frame/prefetch-source']);
    expect(calls[0]?.sender).toEqual({ kind: 'content-script', tabId: 6, frameId: 0, origin: 'https://mail.example.org' });
  });

  it('lets a framed reader read its message and a framed compose write one, and nothing else', async () => {
    const { route } = setup();
    const allowedFor = async (sender: MessageSenderLike) => {
      const allowed: string[] = [];
      for (const type of commands) if ((await route(message(type), sender)).ok) allowed.push(type);
      return allowed.sort();
    };
    const status = ['address/status', 'compose/recipients', 'identities/list', 'indicator/get', 'policy/get'];
    expect(await allowedFor(frame)).toEqual([...status, 'reader/attachment', 'reader/open-frame', 'reader/validation'].sort());
    expect(await allowedFor(composeFrame)).toEqual([...status, 'compose/close', 'compose/open-frame', 'compose/send'].sort());
    // The PIN page never works framed: the framing page could overlay it.
    expect(await allowedFor(framedPin)).toEqual(status);
  });

  it('gives plaintext of a message only to the reader page, a draft only to compose', async () => {
    const { route } = setup();
    for (const type of ['reader/open', 'reader/validation', 'reader/attachment'] as const) {
      expect((await route(message(type), readerPage)).ok, `${type} from the reader`).toBe(true);
      expect((await route(message(type), options)).ok, `${type} from options`).toBe(false);
      expect((await route(message(type), content)).ok, `${type} from content`).toBe(false);
    }
    // A frame token is only for a framed reader.
    expect((await route(message('reader/open-frame'), readerPage)).ok).toBe(false);
    expect((await route(message('compose/build'), options)).ok).toBe(false);
    expect((await route(message('compose/build'), content)).ok).toBe(false);
    // Sending and the compose token are for the framed compose alone.
    for (const type of ['compose/send', 'compose/open-frame', 'compose/close'] as const) {
      expect((await route(message(type), composePage)).ok, `${type} from the compose tab`).toBe(false);
      expect((await route(message(type), frame)).ok, `${type} from a framed reader`).toBe(false);
      expect((await route(message(type), content)).ok, `${type} from content`).toBe(false);
    }
  });

  it('accepts PIN messages only from the PIN page', async () => {
    const { route } = setup();
    for (const type of ['pin/info', 'pin/provide', 'pin/cancel']) {
      expect((await route(message(type), options)).ok, `${type} from options`).toBe(false);
      expect((await route(message(type), popup)).ok, `${type} from popup`).toBe(false);
      expect((await route(message(type), content)).ok, `${type} from content`).toBe(false);
      expect((await route(message(type), pinPage)).ok, `${type} from pin page`).toBe(true);
    }
  });

  it('accepts mail passwords only from the password page at top level', async () => {
    const { route } = setup();
    for (const type of ['password/info', 'password/provide', 'password/cancel']) {
      expect((await route(message(type), passwordPage)).ok, `${type} from the password page`).toBe(true);
      expect((await route(message(type), framedPassword)).ok, `${type} from a framed password page`).toBe(false);
      expect((await route(message(type), composeFrame)).ok, `${type} from compose`).toBe(false);
      expect((await route(message(type), content)).ok, `${type} from content`).toBe(false);
    }
  });

  it('lets only Cachet\'s own pages switch it on or off for a site', async () => {
    const { route } = setup();
    for (const type of ['site/status', 'site/enable', 'site/disable']) {
      expect((await route(message(type), popup)).ok, `${type} from the popup`).toBe(true);
      expect((await route(message(type), content)).ok, `${type} from content`).toBe(false);
      expect((await route(message(type), composeFrame)).ok, `${type} from a frame`).toBe(false);
    }
  });

  it('hands the security indicator to Cachet pages and frames, never to a content script', async () => {
    const { route } = setup();
    for (const sender of [options, popup, readerPage, composePage, frame, composeFrame]) {
      expect((await route(message('indicator/get'), sender)).ok, sender.url).toBe(true);
    }
    const refused = await route(message('indicator/get'), content);
    expect(refused.ok === false && refused.error.code).toBe('runtime/forbidden');
  });

  it('lets only the options page change the security indicator', async () => {
    const { route } = setup();
    expect((await route(message('indicator/set'), options)).ok).toBe(true);
    for (const sender of [popup, readerPage, composePage, frame, composeFrame, content]) {
      const reply = await route(message('indicator/set'), sender);
      expect(reply.ok === false && reply.error.code, sender.url).toBe('runtime/forbidden');
    }
  });

  it('lets only the options page see, sign in to and sign out of the mail providers', async () => {
    const { route } = setup();
    for (const type of ['oauth/accounts', 'oauth/sign-in', 'oauth/sign-out'] as const) {
      expect((await route(message(type), options)).ok, `${type} from options`).toBe(true);
      for (const sender of [popup, readerPage, composePage, frame, composeFrame, content]) {
        const reply = await route(message(type), sender);
        expect(reply.ok === false && reply.error.code, `${type} from ${sender.url}`).toBe('runtime/forbidden');
      }
    }
    const unknown = await route(message('oauth/sign-in', { provider: 'yahoo' }), options);
    expect(unknown.ok === false && unknown.error.code).toBe('input/invalid');
    const extra = await route(message('oauth/sign-out', { provider: 'google', revoke: false }), options);
    expect(extra.ok === false && extra.error.code).toBe('input/invalid');
  });

  it('lets the options page manage settings and the address book', async () => {
    const { route } = setup();
    for (const type of ['policy/set-user', 'address-book/import', 'address-book/delete', 'trust/add', 'native/status'] as const) {
      expect(await route(message(type), options)).toEqual({ ok: true, res: { handled: type } });
    }
  });

  it('refuses an unknown sender before looking at the message', async () => {
    const { route, calls } = setup();
    const reply = await route(message('policy/get'), { id: 'someone-else', url: 'chrome-extension://someone-else/x.html' });
    expect(reply).toEqual({ ok: false, error: { code: 'runtime/forbidden', message: 'message from an unknown sender' } });
    expect(calls).toEqual([]);
  });

  it.each([
    ['not an object', 'policy/get'],
    ['no marker', { type: 'policy/get', req: {} }],
    ['wrong marker', { cachet: 2, type: 'policy/get', req: {} }],
  ])('refuses a message that is %s', async (_name, raw) => {
    const { route } = setup();
    const reply = await route(raw, popup);
    expect(reply.ok === false && reply.error.code).toBe('input/invalid');
  });

  it('refuses unknown commands, including prototype names', async () => {
    const { route } = setup();
    for (const type of ['nope', 'constructor', '__proto__', 42]) {
      const reply = await route({ cachet: 1, type, req: {} }, popup);
      expect(reply.ok === false && reply.error.code).toBe('runtime/unknown-command');
    }
  });

  it.each<[string, RuntimeCommand, unknown]>([
    ['an extra field', 'policy/get', { extra: 1 }],
    ['a key that is not a policy key', 'policy/set-user', { key: 'notAKey', value: 1 }],
    ['file data that is not base64', 'address-book/import', { fileName: 'a', data: 'not base64!' }],
    ['a malformed fingerprint', 'address-book/delete', { fingerprint: 'XYZ' }],
    ['addresses that are not a list', 'address/status', { addresses: 'bob@example.org' }],
    ['too many addresses', 'address/status', { addresses: Array.from({ length: 501 }, () => 'a@b.c') }],
    ['an empty message id', 'frame/open-reader', { messageId: '', source: 'AAAA' }],
    ['a message that is not base64', 'reader/open', { data: '<html>' }],
    ['a session id with path characters', 'reader/validation', { sessionId: '../s' }],
    ['a negative attachment index', 'reader/attachment', { sessionId: 's1', index: -1 }],
    ['a compose request without recipients list', 'compose/build', { from: 'a@b.c', subject: '', text: '', attachments: [], sign: true, encrypt: false, encryptDespiteMissing: false }],
    ['an attachment with a bad media type', 'compose/build', {
      from: 'a@b.c', to: [], cc: [], bcc: [], subject: '', text: '', sign: true, encrypt: false, encryptDespiteMissing: false,
      attachments: [{ fileName: 'x', mediaType: 'text/html; evil', data: '' }],
    }],
    ['an unknown trust list', 'trust/add', { list: 'everything', data: '' }],
    ['an overlong PIN', 'pin/provide', { promptId: 'p1', pin: 'x'.repeat(257) }],
    ['a prompt id with path characters', 'pin/provide', { promptId: '../p1', pin: '1234' }],
    ['a security phrase with a line break', 'indicator/set', { phrase: 'amber\notter', colour: 'teal', glyph: 'A' }],
    ['a colour that is no swatch', 'indicator/set', { phrase: 'amber otter', colour: 'url(x)', glyph: 'A' }],
  ])('refuses %s before the handler runs', async (_name, type, req) => {
    const { route, calls } = setup();
    const sender = type.startsWith('pin/') ? pinPage : type === 'frame/open-reader' ? content : type.startsWith('reader/') ? readerPage : type.startsWith('compose/') ? composePage : options;
    const reply = await route(message(type, req), sender);
    expect(reply.ok === false && reply.error.code).toBe('input/invalid');
    expect(calls).toEqual([]);
  });

  it('passes a handler CachetError through as code and message', async () => {
    const { route, handlers } = setup();
    (handlers as unknown as Record<string, unknown>)['policy/get'] = () => Promise.reject(new CachetError('policy/locked', 'locked'));
    expect(await route(message('policy/get'), popup)).toEqual({ ok: false, error: { code: 'policy/locked', message: 'locked' } });
  });

  it('hides the details of unexpected errors and logs them', async () => {
    const { route, handlers, log } = setup();
    (handlers as unknown as Record<string, unknown>)['policy/get'] = () => Promise.reject(new TypeError('secret detail'));
    const reply = await route(message('policy/get'), popup);
    expect(reply).toEqual({ ok: false, error: { code: 'runtime/internal', message: 'internal error in the background' } });
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('has an allow-list entry for every sender class that only names real commands', () => {
    for (const set of Object.values(allowList)) for (const type of set) expect(isRuntimeCommand(type)).toBe(true);
  });
});
