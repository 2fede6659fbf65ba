/**
 * Checks untrusted policy input: managed storage (admin input, still checked, since a typo
 * must not silently weaken or break Cachet) and the user's stored options. Each key is
 * checked on its own: a bad value drops that key with a warning, an unknown key is ignored
 * with a warning, and nothing here throws on bad input.
 */
import {
  defaultDirectoryAttributes,
  encryptionAlgorithmNames,
  isPolicyKey,
  signingAlgorithmNames,
  timeoutRangeMs,
  type DirectoryPolicy,
  type MailAccountPolicy,
  type MailServerPolicy,
  type Policy,
  type PolicyKey,
} from './policy';

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
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
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

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An origin such as `https://mail.example.org`; plain http only on loopback (tests, local webmail). */
export function normaliseOrigin(raw: string): string | undefined {
  if (raw.length > maxStringLength) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
  if (!secure || url.username || url.password) return undefined;
  // The URL parser keeps characters such as "*" in host names; an origin is a plain host.
  if (!/^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)) return undefined;
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

const attributeName = /^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/;

const directory: Check<DirectoryPolicy | null> = (v) => {
  if (v === null) return ok(null);
  if (typeof v !== 'object' || Array.isArray(v)) return fail('must be an object with url, baseDn and attributes, or null');
  const record = v as Record<string, unknown>;
  const { url, baseDn, attributes } = record;
  if (typeof url !== 'string' || url.length > maxStringLength) return fail('url must be an ldap:// or ldaps:// URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail('url must be an ldap:// or ldaps:// URL');
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') return fail('url must be an ldap:// or ldaps:// URL');
  if (typeof baseDn !== 'string' || baseDn.trim() === '' || baseDn.length > maxStringLength) {
    return fail('baseDn must be a non-empty distinguished name');
  }
  let attrs: readonly string[] = defaultDirectoryAttributes;
  if (attributes !== undefined) {
    const list = stringList(attributes);
    if (typeof list === 'string') return fail(`attributes ${list}`);
    if (list.length === 0 || list.some((a) => !attributeName.test(a))) {
      return fail('attributes must be LDAP attribute names such as userCertificate;binary');
    }
    attrs = list;
  }
  return ok({ url, baseDn: baseDn.trim(), attributes: attrs });
};

/** Host names and IP literals only: a server is named, never given as a URL. */
const serverHost = /^(([a-z0-9-]+\.)*[a-z0-9-]+|\[[0-9a-f:.]+\]|[0-9.]+)$/i;
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
