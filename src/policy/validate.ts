/**
 * Checks untrusted policy input: managed storage (admin input, still checked, since a typo
 * must not silently weaken or break Cachet) and the user's stored options. Each key is
 * checked on its own: a bad value drops that key with a warning, an unknown key is ignored
 * with a warning, and nothing here throws on bad input.
 */
import { isBase64 } from '../mime/base64-form';
import {
  defaultDirectorySettings,
  directoryScopes,
  encryptionAlgorithmNames,
  isPolicyKey,
  signingAlgorithmNames,
  timeoutRangeMs,
  type DirectoryPolicy,
  type DirectoryScope,
  type MailAccountPolicy,
  type MailServerPolicy,
  type Policy,
  type PolicyKey,
} from './policy';
import { secureHttpUrl } from './secure-url';
import { oauthClientsProblem, siteTransportsProblem } from './validate-transports';

export interface PolicyWarning {
  readonly key: string;
  readonly message: string;
}

export interface ParsedPolicyInput {
  readonly values: Partial<Policy>;
  readonly warnings: readonly PolicyWarning[];
}

/** Bounds on list sizes keep a hostile or broken store from exhausting memory or the UI. */
const maxListEntries = 1000;
const maxCertificateBase64 = 64 * 1024;
const maxStringLength = 2048;

type Check<T> = (value: unknown) => { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T) => ({ ok: true as const, value });
const fail = (message: string) => ({ ok: false as const, message });

const boolean: Check<boolean> = (v) => (typeof v === 'boolean' ? ok(v) : fail('must be true or false'));

const timeout: Check<number> = (v) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail('must be a whole number of milliseconds');
  if (v < timeoutRangeMs.min || v > timeoutRangeMs.max) {
    return fail(`must be between ${timeoutRangeMs.min} and ${timeoutRangeMs.max} ms`);
  }
  return ok(v);
};

function stringList(v: unknown): string[] | string {
  if (!Array.isArray(v)) return 'must be a list';
  if (v.length > maxListEntries) return `must have at most ${maxListEntries} entries`;
  const out: string[] = [];
  for (const entry of v as unknown[]) {
    if (typeof entry !== 'string') return 'must be a list of strings';
    out.push(entry);
  }
  return out;
}

/** An ordered preference list drawn from a fixed set; duplicates collapse, unknown names fail. */
function choiceList<T extends string>(allowed: readonly T[], extraReason?: (name: string) => string | undefined): Check<readonly T[]> {
  return (v) => {
    const list = stringList(v);
    if (typeof list === 'string') return fail(list);
    const out: T[] = [];
    for (const raw of list) {
      const name = raw.trim().toLowerCase();
      if (!(allowed as readonly string[]).includes(name)) {
        return fail(extraReason?.(name) ?? `unknown algorithm "${raw.slice(0, 40)}"; allowed: ${allowed.join(', ')}`);
      }
      if (!out.includes(name as T)) out.push(name as T);
    }
    if (out.length === 0) return fail('must name at least one algorithm');
    return ok(out);
  };
}

const encryptionAlgorithms = choiceList(encryptionAlgorithmNames, (name) =>
  name === '3des' || name === 'des-ede3-cbc' ? '3DES is read but never written' : undefined);

const signingAlgorithms = choiceList(signingAlgorithmNames, (name) =>
  name === 'sha1' || name === 'sha-1' ? 'SHA-1 is never used for new signatures (B12)' : undefined);

/** Accepts base64 DER or PEM; stores base64 DER without whitespace. */
function certificateBase64(raw: string): string | undefined {
  const body = raw
    .replace(/-----BEGIN CERTIFICATE-----/, '')
    .replace(/-----END CERTIFICATE-----/, '')
    .replace(/\s+/g, '');
  if (body.length === 0 || body.length > maxCertificateBase64 || body.length % 4 !== 0) return undefined;
  if (!isBase64(body)) return undefined;
  // A DER certificate is a SEQUENCE (0x30), whose base64 always starts with "M".
  return body.startsWith('M') ? body : undefined;
}

const certificateList: Check<readonly string[]> = (v) => {
  const list = stringList(v);
  if (typeof list === 'string') return fail(list);
  const out: string[] = [];
  for (const [i, raw] of list.entries()) {
    const cert = certificateBase64(raw);
    if (cert === undefined) return fail(`entry ${i + 1} is not a base64 or PEM certificate`);
    if (!out.includes(cert)) out.push(cert);
  }
  return ok(out);
};

/** SHA-256 fingerprints, written with or without colons or spaces, in any case. */
export function normaliseFingerprint(raw: string): string | undefined {
  const hex = raw.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

const fingerprintList: Check<readonly string[]> = (v) => {
  const list = stringList(v);
  if (typeof list === 'string') return fail(list);
  const out: string[] = [];
  for (const [i, raw] of list.entries()) {
    const fp = normaliseFingerprint(raw);
    if (fp === undefined) return fail(`entry ${i + 1} is not a SHA-256 fingerprint (64 hex digits)`);
    if (!out.includes(fp)) out.push(fp);
  }
  return ok(out);
};

/** An origin such as `https://mail.example.org`; plain http only on loopback (tests, local webmail). */
export function normaliseOrigin(raw: string): string | undefined {
  if (raw.length > maxStringLength) return undefined;
  const url = secureHttpUrl(raw);
  if (url === undefined) return undefined;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return undefined;
  return url.origin;
}

const originList: Check<readonly string[]> = (v) => {
  const list = stringList(v);
  if (typeof list === 'string') return fail(list);
  const out: string[] = [];
  for (const [i, raw] of list.entries()) {
    const origin = normaliseOrigin(raw);
    if (origin === undefined) return fail(`entry ${i + 1} is not an https origin such as https://mail.example.org`);
    if (!out.includes(origin)) out.push(origin);
  }
  return ok(out);
};

/** Host names and IP literals only: a server is named, never given as a URL. */
const serverHost = /^(([a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:.]+\]|[0-9.]+)$/i;

const attributeName = /^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/;
const objectClassName = /^([A-Za-z][A-Za-z0-9-]*|[0-2](\.(0|[1-9]\d*))+)$/;
/** DNs and filters beyond this are mistakes, not directories. */
const maxDnLength = 1024;
const maxFilterLength = 1024;
/** The native host's limits for one search (native-host/PROTOCOL.md, "Directory"). */
const maxObjectClasses = 32;
const maxCertificateAttributes = 8;
const directoryLimits = {
  timeoutMs: { min: 100, max: 120_000 },
  sizeLimit: { min: 1, max: 1000 },
  cacheSeconds: { min: 0, max: 7 * 24 * 3600 },
} as const;
const directoryKeys = new Set<string>(['url', ...Object.keys(defaultDirectorySettings), 'baseDn']);

/**
 * A distinguished name as RFC 4514 writes it: RDNs separated by commas, each one or more
 * `type=value` joined by "+", the type a name or an OID, special characters in values
 * escaped with a backslash. Admins type these by hand; a slip here would search nowhere.
 */
export function isDistinguishedName(text: string): boolean {
  if (text.length === 0 || text.length > maxDnLength || /\p{Cc}/u.test(text)) return false;
  const type = /^\s*([A-Za-z][A-Za-z0-9-]*|[0-2](\.(0|[1-9]\d*))+)\s*$/;
  let i = 0;
  for (;;) {
    const eq = text.indexOf('=', i);
    if (eq < 0 || !type.test(text.slice(i, eq))) return false;
    i = eq + 1;
    // The value runs to the next unescaped "," or "+"; a backslash escapes one special
    // character or starts two hex digits.
    let empty = true;
    while (i < text.length && text[i] !== ',' && text[i] !== '+') {
      if (text[i] === '\\') {
        const next = text.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(next)) i += 3;
        else if (i + 1 < text.length && ' ,+"\\<>;=#'.includes(text[i + 1] ?? '')) i += 2;
        else return false;
      } else {
        if ('"<>;'.includes(text[i] ?? '')) return false;
        i++;
      }
      empty = false;
    }
    if (empty) return false;
    if (i >= text.length) return true;
    i++;
  }
}

/**
 * An RFC 4515 filter with `{address}` where the recipient's address goes: one
 * parenthesised filter, parentheses balanced, every backslash starting a two-digit hex
 * escape, and no placeholder other than `{address}`.
 */
export function filterProblem(filter: string): string | undefined {
  if (filter.length > maxFilterLength) return `filter must be at most ${maxFilterLength} characters`;
  if (!filter.includes('{address}')) return 'filter must contain {address}, where the recipient\'s address goes';
  if (/\p{Cc}/u.test(filter)) return 'filter must not contain control characters';
  const rest = filter.replaceAll('{address}', 'x');
  if (/[{}]/.test(rest)) return 'filter may substitute only {address}';
  if (/\\(?![0-9A-Fa-f]{2})/.test(rest)) return 'filter: a backslash must start a two-digit hex escape (RFC 4515)';
  let depth = 0;
  for (let index = 0; index < rest.length; index++) {
    const char = rest[index];
    if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth < 0 || (depth === 0 && index !== rest.length - 1)) return 'filter has unbalanced parentheses';
      if (rest[index - 1] === '(') return 'filter has an empty ()';
    }
  }
  if (depth !== 0) return 'filter has unbalanced parentheses';
  return rest.startsWith('(') && rest.endsWith(')') ? undefined : 'filter must be one filter in parentheses';
}

function wholeNumber(v: unknown, name: string, range: { readonly min: number; readonly max: number }): number | string {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
    return `${name} must be a whole number from ${range.min} to ${range.max}`;
  }
  return v;
}

function nameList(v: unknown, name: string, pattern: RegExp, allowEmpty: boolean, max = maxObjectClasses): string[] | string {
  const list = stringList(v);
  if (typeof list === 'string') return `${name} ${list}`;
  if (list.length > max) return `${name} must have at most ${max} entries`;
  if (!allowEmpty && list.length === 0) return `${name} must name at least one`;
  const out: string[] = [];
  for (const raw of list) {
    const entry = raw.trim();
    if (!pattern.test(entry)) return `${name}: "${raw.slice(0, 40)}" is not an LDAP name`;
    if (!out.some((o) => o.toLowerCase() === entry.toLowerCase())) out.push(entry);
  }
  return out;
}

/** `ldap://host[:port]` or `ldaps://…`, written back in that form; a DN or query in the URL is refused. */
function directoryUrl(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > maxStringLength) return undefined;
  let url: URL;
  try {
    url = new URL(v.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') return undefined;
  if (url.username || url.password || (url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) return undefined;
  if (!serverHost.test(url.hostname)) return undefined;
  return `${url.protocol}//${url.host.toLowerCase()}`;
}

const directory: Check<DirectoryPolicy | null> = (v) => {
  if (v === null) return ok(null);
  if (typeof v !== 'object' || Array.isArray(v)) return fail('must be an object with url and baseDn, or null');
  const record = v as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !directoryKeys.has(key));
  if (unknown !== undefined) return fail(`unknown setting "${unknown.slice(0, 40)}"`);
  const given = <K extends keyof typeof defaultDirectorySettings>(key: K): unknown =>
    record[key] === undefined ? defaultDirectorySettings[key] : record[key];

  const url = directoryUrl(record['url']);
  if (url === undefined) return fail('url must be ldap://host[:port] or ldaps://host[:port]');
  const startTls = given('startTls');
  if (typeof startTls !== 'boolean') return fail('startTls must be true or false');
  if (startTls && url.startsWith('ldaps:')) return fail('startTls is for ldap:// URLs; ldaps:// is TLS from the start');
  const { baseDn } = record;
  if (typeof baseDn !== 'string' || !isDistinguishedName(baseDn.trim())) return fail('baseDn must be a distinguished name such as o=Example');
  const bindDn = given('bindDn');
  if (bindDn !== null && (typeof bindDn !== 'string' || !isDistinguishedName(bindDn.trim()))) {
    return fail('bindDn must be a distinguished name, or null to search anonymously');
  }
  // RFC 4513 §5.1.3 and §6.3.4: a simple bind sends the password as it is, so only inside TLS.
  if (bindDn !== null && url.startsWith('ldap:') && !startTls) return fail('bindDn needs ldaps:// or startTls: a password is only sent inside TLS');
  const scope = given('scope');
  if (!(directoryScopes as readonly unknown[]).includes(scope)) return fail(`scope must be one of ${directoryScopes.join(', ')}`);
  const filter = given('filter');
  if (typeof filter !== 'string') return fail('filter must be an LDAP filter with {address}');
  const badFilter = filterProblem(filter.trim());
  if (badFilter !== undefined) return fail(badFilter);
  const personClasses = nameList(given('personClasses'), 'personClasses', objectClassName, false);
  if (typeof personClasses === 'string') return fail(personClasses);
  const contactClasses = nameList(given('contactClasses'), 'contactClasses', objectClassName, true);
  if (typeof contactClasses === 'string') return fail(contactClasses);
  const both = contactClasses.find((c) => personClasses.some((p) => p.toLowerCase() === c.toLowerCase()));
  if (both !== undefined) return fail(`${both} cannot name both people and contacts`);
  const attributes = nameList(given('attributes'), 'attributes', attributeName, false, maxCertificateAttributes);
  if (typeof attributes === 'string') return fail(`${attributes} (such as userCertificate;binary)`);
  const timeoutMs = wholeNumber(given('timeoutMs'), 'timeoutMs', directoryLimits.timeoutMs);
  if (typeof timeoutMs === 'string') return fail(timeoutMs);
  const sizeLimit = wholeNumber(given('sizeLimit'), 'sizeLimit', directoryLimits.sizeLimit);
  if (typeof sizeLimit === 'string') return fail(sizeLimit);
  const cacheSeconds = wholeNumber(given('cacheSeconds'), 'cacheSeconds', directoryLimits.cacheSeconds);
  if (typeof cacheSeconds === 'string') return fail(cacheSeconds);
  return ok({
    url, startTls, bindDn: typeof bindDn === 'string' ? bindDn.trim() : null, baseDn: baseDn.trim(), scope: scope as DirectoryScope,
    filter: filter.trim(), personClasses, contactClasses, attributes, timeoutMs, sizeLimit, cacheSeconds,
  });
};

/** Accounts are one per webmail; a few hundred is already far more than anyone has. */
const maxMailAccounts = 200;

/**
 * "host:port", optionally "/starttls" or "/tls" (STARTTLS is the default), as admins write
 * it; or the stored form `{ host, port, security }`, which is read back through here too.
 */
function mailServer(v: unknown, name: string): MailServerPolicy | string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const { host, port, security } = v as Record<string, unknown>;
    if (typeof host !== 'string' || typeof port !== 'number' || (security !== 'starttls' && security !== 'tls')) {
      return `${name} must be host:port, optionally with /starttls or /tls`;
    }
    return mailServer(`${host}:${port}/${security}`, name);
  }
  if (typeof v !== 'string' || v.length > 300) return `${name} must be host:port, optionally with /starttls or /tls`;
  const match = /^(.+):(\d{1,5})(?:\/(starttls|tls))?$/.exec(v.trim());
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || !serverHost.test(host) || !(port >= 1 && port <= 65535)) {
    return `${name} must be host:port, optionally with /starttls or /tls`;
  }
  return { host: host.toLowerCase(), port, security: match?.[3] === 'tls' ? 'tls' : 'starttls' };
}

const mailAccounts: Check<readonly MailAccountPolicy[]> = (v) => {
  if (!Array.isArray(v) || v.length > maxMailAccounts) return fail(`must be a list of at most ${maxMailAccounts} accounts`);
  const out: MailAccountPolicy[] = [];
  for (const [i, raw] of (v as unknown[]).entries()) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(`account ${i + 1} must be an object with origin, imap, smtp and user`);
    const { origin, imap, smtp, user } = raw as Record<string, unknown>;
    const site = typeof origin === 'string' ? normaliseOrigin(origin) : undefined;
    if (site === undefined) return fail(`account ${i + 1}: origin must be a webmail origin such as https://mail.example.org`);
    const imapServer = mailServer(imap, 'imap');
    if (typeof imapServer === 'string') return fail(`account ${i + 1}: ${imapServer}`);
    const smtpServer = mailServer(smtp, 'smtp');
    if (typeof smtpServer === 'string') return fail(`account ${i + 1}: ${smtpServer}`);
    if (user !== undefined && user !== null && (typeof user !== 'string' || user.trim() === '' || user.length > 320)) {
      return fail(`account ${i + 1}: user must be a login name or absent`);
    }
    if (out.some((a) => a.origin === site)) return fail(`account ${i + 1}: ${site} has an account already`);
    out.push({ origin: site, imap: imapServer, smtp: smtpServer, user: typeof user === 'string' ? user.trim() : null });
  }
  return ok(out);
};

const checks: { readonly [K in PolicyKey]: Check<Policy[K]> } = {
  clearSign: boolean,
  tripleWrap: boolean,
  alwaysSign: boolean,
  alwaysEncrypt: boolean,
  encryptionAlgorithms,
  signingAlgorithms,
  disableCrlCheck: boolean,
  checkCrl: boolean,
  revocationUrlRetrievalTimeoutMs: timeout,
  certUrlRetrievalTimeoutMs: timeout,
  smartCardOnly: boolean,
  certMatchingDoNotUseProxies: boolean,
  includeCertificateChain: boolean,
  includeRootCertificate: boolean,
  directory,
  trustedRoots: certificateList,
  untrustedCertificates: fingerprintList,
  allowedWebmailOrigins: originList,
  mailAccounts,
  siteTransports: (v) => siteTransportsProblem(v, normaliseOrigin),
  oauthClients: oauthClientsProblem,
};

/** Checks one key's value; used for single edits from the options page. */
export function checkPolicyValue<K extends PolicyKey>(key: K, value: unknown): { ok: true; value: Policy[K] } | { ok: false; message: string } {
  return checks[key](value);
}

/** Splits raw stored input into the keys that passed and warnings for the rest. */
export function parsePolicyInput(raw: unknown): ParsedPolicyInput {
  if (raw === undefined || raw === null) return { values: {}, warnings: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { values: {}, warnings: [{ key: '', message: 'policy must be an object; ignored' }] };
  }
  const values: Partial<Record<PolicyKey, unknown>> = {};
  const warnings: PolicyWarning[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!isPolicyKey(key)) {
      warnings.push({ key: key.slice(0, 80), message: 'unknown policy key; ignored' });
      continue;
    }
    const result = checks[key](value);
    if (result.ok) values[key] = result.value;
    else warnings.push({ key, message: `${result.message}; ignored` });
  }
  return { values: values as Partial<Policy>, warnings };
}
