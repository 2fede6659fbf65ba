/**
 * Compose's recipient look-up with the organisation directory behind a scripted native
 * host (B6 steps 2–3): what each recipient's view says of where the certificate came
 * from or why none fitted, the bind password asked once in Cachet's page for every
 * search waiting for it, answers reused for cacheSeconds, and the sender's other
 * addresses from their own entry (B1). The real address book, policy store and RFC 5280
 * validation are used throughout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostDirectory, declinedPromptMs, type NativeRequest } from '../../background/directory/host-directory';
import { createPasswordPrompts, type PasswordPrompts } from '../../background/password-prompts';
import { createDirectoryCache } from '../../src/directory/directory-cache';
import { CachetError, isCachetError } from '../../src/errors';
import type { DirectoryEntry, NativeReq } from '../../src/protocol/native';
import type { PasswordPromptInfo } from '../../src/protocol/runtime';
import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import { decodedText } from '../../src/mime/part-access';
import { cachetUnwrap, opensslUnwrap } from '../cms/support/smime-layers';
import { makeTestPki, type TestPki } from '../cms/support/openssl-pki';
import { crypto as cmsCrypto } from '../cms/envelope-helpers';
import { composeRequest, composerWorld, issueLeaf, type HostIdentity, type IssuedLeaf } from './compose-fixtures';

let pki: TestPki;
/** Another PKI with the same CA names but other keys: its certificates fail on their signature. */
let elsewhere: TestPki;
let strangerBob: IssuedLeaf;
let dave: IssuedLeaf;
let erin: IssuedLeaf;
let robert: IssuedLeaf;
let bob: IssuedLeaf;
let sender: HostIdentity;

const encryption = ['keyUsage=critical,keyEncipherment', 'extendedKeyUsage=emailProtection'];

beforeAll(() => {
  pki = makeTestPki();
  elsewhere = makeTestPki();
  strangerBob = issueLeaf(elsewhere.dir, 'bob', 'rsa', encryption);
  dave = issueLeaf(pki.dir, 'dave', 'rsa', encryption);
  erin = issueLeaf(pki.dir, 'erin', 'rsa', encryption);
  bob = issueLeaf(pki.dir, 'bob', 'rsa', encryption);
  robert = issueLeaf(pki.dir, 'robert', 'rsa', ['keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=emailProtection']);
  sender = { id: 'robert', operator: robert.operator, usages: ['sign', 'decrypt'] };
});
afterAll(() => {
  pki.remove();
  elsewhere.remove();
});

const url = 'ldap://ldap.example.org';
const bindDn = 'cn=cachet,ou=Services,dc=example,dc=org';
const people = 'ou=People,dc=example,dc=org';
const directoryPolicy = { url, baseDn: 'dc=example,dc=org' };
const boundPolicy = { ...directoryPolicy, startTls: true, bindDn };

function entry(dn: string, kind: DirectoryEntry['kind'], addresses: readonly string[], certificates: readonly Uint8Array[], attribute = 'userCertificate;binary'): DirectoryEntry {
  return { dn, kind, addresses, certificates: certificates.map((der) => ({ attribute, der: bytesToBase64(der) })) };
}

/** A native host holding a directory: entries by address, a bind password it wants when `password` is set. */
function directoryHost(entries: (address: string) => readonly DirectoryEntry[], password?: string) {
  const calls: { type: string; req: unknown }[] = [];
  let held: string | undefined;
  let failure: CachetError | undefined;
  const request = ((type: string, req: unknown) => {
    calls.push({ type, req });
    if (type === 'directory/set-password') {
      held = (req as NativeReq<'directory/set-password'>).password;
      return Promise.resolve({});
    }
    if (type !== 'directory/search') return Promise.reject(new Error(`unexpected ${type}`));
    if (failure) return Promise.reject(failure);
    if (password !== undefined && held === undefined) return Promise.reject(new CachetError('directory/password-needed', `no password for ${bindDn}`));
    if (password !== undefined && held !== password) return Promise.reject(new CachetError('directory/bind-failed', 'invalidCredentials'));
    return Promise.resolve({ entries: entries((req as NativeReq<'directory/search'>).address), truncated: false });
  }) as NativeRequest;
  const searches = () => calls.filter((c) => c.type === 'directory/search').length;
  return { request, calls, searches, fail: (error: CachetError | undefined) => { failure = error; } };
}

/** Cachet's password page, answered by the test: each prompt takes the next answer, or is cancelled when none is left. */
function passwordPage(answers: string[]) {
  const asked: PasswordPromptInfo[] = [];
  let n = 0;
  const prompts: PasswordPrompts = createPasswordPrompts(async (promptId) => {
    const info = prompts.info(promptId);
    asked.push(info);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const password = answers.shift();
    if (password === undefined) prompts.cancel(promptId);
    else prompts.provide(promptId, { user: info.user ?? '', password, remember: true });
  }, () => `prompt${++n}`);
  return { prompts, asked };
}

async function world(host: ReturnType<typeof directoryHost>, options: { directory?: Record<string, unknown>; answers?: string[]; now?: () => number; user?: Record<string, unknown> } = {}) {
  const page = passwordPage(options.answers ?? []);
  const directory = createHostDirectory({ request: host.request, passwords: page.prompts, cache: createDirectoryCache({}), ...(options.now ? { now: options.now } : {}) });
  const made = await composerWorld({
    identities: [sender], trustedRoots: [pki.intermediate], directory,
    user: { directory: options.directory ?? directoryPolicy, ...options.user },
  });
  return { ...made, page };
}

describe('compose says where each certificate came from (B6)', () => {
  it('finds a recipient only in the directory, names the entry, and encrypts to it', async () => {
    const host = directoryHost((address) => (address === 'dave@example.org' ? [entry(`cn=Dave,${people}`, 'person', ['dave@example.org'], [dave.certificate])] : []));
    const { composer } = await world(host);
    const [view, nobody] = await composer.recipients(['Dave <dave@example.org>', 'nobody@example.org']);
    expect(view).toMatchObject({ state: 'ok', source: 'directory', entry: { kind: 'person', dn: `cn=Dave,${people}` } });
    expect(view?.certificate?.addresses).toEqual(['dave@example.org']);
    expect(nobody).toEqual({ address: 'nobody@example.org', state: 'none', detail: 'not in your address book nor in the directory' });
    const { message } = await composer.build(composeRequest({ from: robert.email, to: ['dave@example.org'], encrypt: true }));
    const reader = { dir: pki.dir, caFile: join(pki.dir, 'root.pem'), certPath: dave.certPath, keyPath: dave.keyPath };
    expect(opensslUnwrap(message, reader).entity.toString('latin1')).toContain('Hello.');
    expect(decodedText((await cachetUnwrap(message, cmsCrypto, [dave.operator])).entity)).toContain('Hello.');
  });

  it('a contact\'s certificate when the person\'s are not fit, with each one passed over and why', async () => {
    const host = directoryHost(() => [
      entry(`cn=Bob,${people}`, 'person', ['bob@example.org'], [erin.certificate, strangerBob.certificate]),
      entry('cn=Bob (supplier),ou=Contacts,dc=example,dc=org', 'contact', ['bob@example.org'], [bob.certificate], 'userSMIMECertificate'),
    ]);
    const { composer } = await world(host);
    const [view] = await composer.recipients(['bob@example.org']);
    expect(view).toMatchObject({ state: 'ok', source: 'directory', entry: { kind: 'contact', dn: 'cn=Bob (supplier),ou=Contacts,dc=example,dc=org' } });
    expect(view?.certificate?.subject).toBe('CN=bob');
    expect(view?.skipped).toEqual([
      { source: 'directory', entry: { kind: 'person', dn: `cn=Bob,${people}` }, subject: 'CN=erin', reason: 'the certificate does not carry this address' },
      { source: 'directory', entry: { kind: 'person', dn: `cn=Bob,${people}` }, subject: 'CN=bob', reason: expect.stringMatching(/signature does not verify/) as unknown },
    ]);
  });

  it('none fitted: the most telling reason, from the directory, and every certificate passed over', async () => {
    const host = directoryHost(() => [entry(`cn=Bob,${people}`, 'person', ['bob@example.org'], [erin.certificate, strangerBob.certificate])]);
    const { composer } = await world(host);
    const [view] = await composer.recipients(['bob@example.org']);
    expect(view).toMatchObject({ state: 'invalid', source: 'directory', entry: { kind: 'person', dn: `cn=Bob,${people}` } });
    expect(view?.skipped).toHaveLength(2);
    expect(view?.detail).toMatch(/signature does not verify/);
    expect(view?.detail).toBe(view?.skipped?.[1]?.reason);
  });

  it('a directory that cannot be searched is said, and the address book still answers', async () => {
    const host = directoryHost(() => []);
    host.fail(new CachetError('directory/unreachable', 'ldap.example.org:389: connection refused'));
    const made = await world(host);
    await made.addressBook.importFile(new Uint8Array(readFileSync(erin.certPath)));
    const [down, fromBook] = await made.composer.recipients(['dave@example.org', 'erin@example.org']);
    expect(down).toEqual({
      address: 'dave@example.org', state: 'none',
      detail: 'not in your address book; the directory could not be searched: ldap.example.org:389: connection refused',
      unavailable: ['the directory: ldap.example.org:389: connection refused'],
    });
    expect(fromBook).toMatchObject({ state: 'ok', source: 'address-book' });
    expect(fromBook?.entry).toBeUndefined();
  });

  it('reuses the directory\'s answers for cacheSeconds', async () => {
    const host = directoryHost(() => [entry(`cn=Dave,${people}`, 'person', ['dave@example.org'], [dave.certificate])]);
    const { composer } = await world(host);
    await composer.recipients(['dave@example.org']);
    await composer.recipients(['dave@example.org', 'DAVE@example.org']);
    expect(host.searches()).toBe(1);
    const uncached = directoryHost(() => []);
    const { composer: asking } = await world(uncached, { directory: { ...directoryPolicy, cacheSeconds: 0 } });
    await asking.recipients(['dave@example.org']);
    await asking.recipients(['dave@example.org']);
    expect(uncached.searches()).toBe(2);
  });
});

describe('the directory\'s bind password', () => {
  const found = (address: string) => (address === 'dave@example.org' ? [entry(`cn=Dave,${people}`, 'person', [address], [dave.certificate])] : []);

  it('is asked once in Cachet\'s page for all the recipients waiting, given to the host, and the searches go on', async () => {
    const host = directoryHost(found, 's3cret');
    const { composer, page } = await world(host, { directory: boundPolicy, answers: ['s3cret'] });
    const views = await composer.recipients(['dave@example.org', 'x@example.org', 'y@example.org']);
    expect(views.map((v) => v.state)).toEqual(['ok', 'none', 'none']);
    expect(page.asked).toEqual([{ purpose: 'directory', site: url, user: bindDn, failed: false }]);
    expect(host.calls.filter((c) => c.type === 'directory/set-password').map((c) => c.req)).toEqual([{ url, bindDn, password: 's3cret', remember: true }]);
    const search = host.calls.find((c) => c.type === 'directory/search')?.req as NativeReq<'directory/search'>;
    expect(search.directory).toMatchObject({ url, startTls: true, bindDn, baseDn: 'dc=example,dc=org', certificateAttributes: ['userCertificate;binary', 'userSMIMECertificate'] });
  });

  it('is asked again, saying the last one was refused', async () => {
    const host = directoryHost(found, 's3cret');
    const { composer, page } = await world(host, { directory: boundPolicy, answers: ['wrong', 's3cret'] });
    const [view] = await composer.recipients(['dave@example.org']);
    expect(view?.state).toBe('ok');
    expect(page.asked.map((a) => a.failed)).toEqual([false, true]);
  });

  it('cancelled, the directory is left out with the reason, and not asked about again for a while', async () => {
    let now = 1_000_000;
    const host = directoryHost(found, 's3cret');
    const { composer, page } = await world(host, { directory: boundPolicy, answers: [], now: () => now });
    const [view] = await composer.recipients(['dave@example.org']);
    expect(view).toMatchObject({ state: 'none', detail: 'not in your address book; the directory could not be searched: the directory password was not given, so the directory was not searched' });
    const [again] = await composer.recipients(['dave@example.org']);
    expect(again?.detail).toMatch(/was not given a moment ago/);
    expect(page.asked).toHaveLength(1);
    now += declinedPromptMs;
    await composer.recipients(['dave@example.org']);
    expect(page.asked).toHaveLength(2);
  });

  it('an anonymous directory never asks', async () => {
    const host = directoryHost(() => []);
    host.fail(new CachetError('directory/password-needed', 'the server wants a bind'));
    const { composer, page } = await world(host);
    const [view] = await composer.recipients(['dave@example.org']);
    expect(view?.detail).toMatch(/the server wants a bind/);
    expect(page.asked).toEqual([]);
  });
});

describe('the sender\'s other addresses from their own entry (B1)', () => {
  // robert's certificate carries robert@example.org; he writes as bob@example.org, an alias in his entry.
  const own = (address: string) => (address === 'bob@example.org'
    ? [entry(`cn=Robert,${people}`, 'person', ['robert@example.org', 'bob@example.org'], [])]
    : [entry(`cn=Dave,${people}`, 'person', ['dave@example.org'], [dave.certificate])]);

  it('make a certificate issued to an alias the sender\'s encryption certificate', async () => {
    const { composer } = await world(directoryHost(own));
    const { message } = await composer.build(composeRequest({ from: 'bob@example.org', to: ['dave@example.org'], encrypt: true }));
    const byRobert = await cachetUnwrap(message, cmsCrypto, [robert.operator]);
    expect(decodedText(byRobert.entity)).toContain('Hello.');
  });

  it('not with certMatchingDoNotUseProxies, nor without a directory', async () => {
    for (const user of [{ certMatchingDoNotUseProxies: true }, { directory: null }]) {
      const { composer } = await world(directoryHost(own), { user });
      const failure = await composer.build(composeRequest({ from: 'bob@example.org', to: ['dave@example.org'], encrypt: true, encryptDespiteMissing: true })).catch((error: unknown) => error);
      expect(isCachetError(failure) && failure.code, JSON.stringify(user)).toBe('key/unavailable');
    }
  });
});
