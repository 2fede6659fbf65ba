/**
 * Validators for the directory messages of the native protocol (PROTOCOL.md, "Directory").
 * What reaches the host ends up in LDAP requests and in a connection to a server, so
 * anything that could change their meaning (control characters, a URL with a path where
 * only a server is expected, an empty password that would make a simple bind anonymous,
 * RFC 4513 §5.1.2) is refused here. The filter and the RFC 4516 URL are parsed in full by
 * the host, which answers `input/invalid` for what its parsers refuse.
 */
import { checkAddress } from '../mime/encode-header';
import { array, base64, boolean, fail, integer, object, oneOf, onlyKeys, string } from './native-checks';
import { mailHost } from './native-mail-validators';
import {
  MAX_DIRECTORY_READ_BYTES, MAX_DIRECTORY_TIMEOUT_MS, type DirectoryConnection, type DirectoryEntry, type DirectorySearch, type NativeReq,
  type NativeRes,
} from './native';

/** The most entries a search asks for (`sizeLimit`) and so the most a response holds. */
export const MAX_DIRECTORY_ENTRIES = 1000;
/** The most bytes of one certificate taken from a directory entry. */
export const MAX_DIRECTORY_CERTIFICATE_BYTES = 64 * 1024;
/** The most certificates and addresses kept from one entry. */
export const MAX_ENTRY_CERTIFICATES = 64;
export const MAX_ENTRY_ADDRESSES = 256;
/** The most values one `directory/read-url` returns. */
export const MAX_READ_VALUES = 256;

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\x00-\x1f\x7f]/;
const SERVER_URL = /^(ldaps?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/:?#[\]@\s]+)(?::(\d{1,5}))?$/;
/** RFC 4512 §1.4: a descriptor (keystring) or a numeric OID. */
const ATTRIBUTE_TYPE = '(?:[A-Za-z][A-Za-z0-9-]{0,127}|[0-2](?:\\.(?:0|[1-9][0-9]*)){1,63})';
const OBJECT_CLASS = new RegExp(`^${ATTRIBUTE_TYPE}$`);
/** RFC 4512 §2.5: an attribute type with options such as ;binary. */
const ATTRIBUTE_DESCRIPTION = new RegExp(`^${ATTRIBUTE_TYPE}(?:;[A-Za-z0-9-]{1,64}){0,8}$`);

function text(value: unknown, field: string, minLength: number, maxLength: number): string {
  const s = string(value, field, maxLength);
  if (s.length < minLength) fail(field, 'must not be empty');
  if (CONTROL.test(s)) fail(field, 'must not contain control characters');
  return s;
}

/** `ldap://host[:port]` or `ldaps://host[:port]`: a server, with no DN, attributes or credentials. */
export function directoryServerUrl(value: unknown, field: string): string {
  const s = string(value, field, 300);
  const m = SERVER_URL.exec(s);
  if (!m) fail(field, 'must be ldap://host[:port] or ldaps://host[:port], with nothing after the port');
  const host = m[2] ?? '';
  mailHost(host.startsWith('[') ? host.slice(1, -1) : host, `${field} host`);
  if (m[3] !== undefined) integer(Number(m[3]), `${field} port`, 1, 65_535);
  return s;
}

/** A DN to bind as: RFC 4514 text, checked by the server; never empty (that is an anonymous bind). */
export function bindDn(value: unknown, field: string): string {
  return text(value, field, 1, 1024);
}

function connectionOptions(c: Record<string, unknown>, url: string, field: string): { startTls: boolean; bindDn: string | null } {
  const startTls = boolean(c.startTls, `${field}.startTls`);
  const tls = url.startsWith('ldaps:');
  if (startTls && tls) fail(`${field}.startTls`, 'is for ldap:// only; ldaps:// is TLS from the first byte');
  if (c.bindDn === null) return { startTls, bindDn: null };
  // RFC 4513 §5.1.3: a simple bind sends the password as it is; only ever inside TLS.
  if (!startTls && !tls) fail(`${field}.bindDn`, 'a simple bind needs ldaps:// or startTls: the password would cross the network in clear');
  return { startTls, bindDn: bindDn(c.bindDn, `${field}.bindDn`) };
}

function timeoutMs(value: unknown, field: string): number {
  return integer(value, field, 1, MAX_DIRECTORY_TIMEOUT_MS);
}

function names(value: unknown, field: string, pattern: RegExp, minItems: number, maxItems: number): string[] {
  const list = array(value, field, maxItems).map((item, n) => {
    const s = string(item, `${field}[${n}]`, 200);
    if (!pattern.test(s)) fail(`${field}[${n}]`, 'is not an LDAP attribute or object class name');
    return s;
  });
  if (list.length < minItems) fail(field, `must name at least ${minItems}`);
  return list;
}

function directorySearch(value: unknown, field: string): DirectorySearch {
  const d = object(value, field);
  onlyKeys(d, ['url', 'startTls', 'bindDn', 'timeoutMs', 'baseDn', 'scope', 'filter', 'personClasses', 'contactClasses', 'certificateAttributes', 'sizeLimit'], field);
  const url = directoryServerUrl(d.url, `${field}.url`);
  const filter = text(d.filter, `${field}.filter`, 3, 4096);
  if (!filter.startsWith('(') || !filter.endsWith(')')) fail(`${field}.filter`, 'must be an RFC 4515 filter in parentheses');
  // A filter that does not name the address would find the same entries for every recipient.
  if (!filter.includes('{address}')) fail(`${field}.filter`, 'must contain {address}');
  return {
    url,
    ...connectionOptions(d, url, field),
    timeoutMs: timeoutMs(d.timeoutMs, `${field}.timeoutMs`),
    baseDn: text(d.baseDn, `${field}.baseDn`, 0, 1024),
    scope: oneOf(d.scope, `${field}.scope`, ['base', 'one', 'sub'] as const),
    filter,
    personClasses: names(d.personClasses, `${field}.personClasses`, OBJECT_CLASS, 0, 32),
    contactClasses: names(d.contactClasses, `${field}.contactClasses`, OBJECT_CLASS, 0, 32),
    certificateAttributes: names(d.certificateAttributes, `${field}.certificateAttributes`, ATTRIBUTE_DESCRIPTION, 1, 8),
    sizeLimit: integer(d.sizeLimit, `${field}.sizeLimit`, 1, MAX_DIRECTORY_ENTRIES),
  };
}

function lookedUpAddress(value: unknown, field: string): string {
  const s = string(value, field, 254);
  try {
    return checkAddress(s);
  } catch {
    return fail(field, 'must be a plain e-mail address (local@domain)');
  }
}

function urlAndDn(value: unknown, extraKeys: readonly string[]): { r: Record<string, unknown>; url: string; bindDn: string } {
  const r = object(value, 'req');
  onlyKeys(r, ['url', 'bindDn', ...extraKeys], 'req');
  return { r, url: directoryServerUrl(r.url, 'req.url'), bindDn: bindDn(r.bindDn, 'req.bindDn') };
}

export const directoryRequestValidators = {
  'directory/search': (value: unknown): NativeReq<'directory/search'> => {
    const r = object(value, 'req');
    onlyKeys(r, ['directory', 'address'], 'req');
    return { directory: directorySearch(r.directory, 'req.directory'), address: lookedUpAddress(r.address, 'req.address') };
  },
  'directory/read-url': (value: unknown): NativeReq<'directory/read-url'> => {
    const r = object(value, 'req');
    onlyKeys(r, ['url', 'timeoutMs', 'maxBytes', 'connection'], 'req');
    const url = text(r.url, 'req.url', 8, 4096);
    if (!/^ldaps?:\/\/[^\s]*$/.test(url)) fail('req.url', 'must be an ldap:// or ldaps:// URL (RFC 4516)');
    const base = { url, timeoutMs: timeoutMs(r.timeoutMs, 'req.timeoutMs'), maxBytes: integer(r.maxBytes, 'req.maxBytes', 1, MAX_DIRECTORY_READ_BYTES) };
    if (r.connection === undefined) return base;
    const c = object(r.connection, 'req.connection');
    onlyKeys(c, ['startTls', 'bindDn'], 'req.connection');
    const connection: Omit<DirectoryConnection, 'url' | 'timeoutMs'> = connectionOptions(c, url, 'req.connection');
    return { ...base, connection };
  },
  'directory/set-password': (value: unknown): NativeReq<'directory/set-password'> => {
    const { r, url, bindDn: dn } = urlAndDn(value, ['password', 'remember']);
    // An empty password makes a simple bind an unauthenticated one (RFC 4513 §5.1.2).
    const password = string(r.password, 'req.password', 1024);
    if (password.length === 0) fail('req.password', 'must not be empty');
    return { url, bindDn: dn, password, remember: boolean(r.remember, 'req.remember') };
  },
  'directory/forget-password': (value: unknown): NativeReq<'directory/forget-password'> => {
    const { url, bindDn: dn } = urlAndDn(value, []);
    return { url, bindDn: dn };
  },
};

function directoryEntry(value: unknown, field: string): DirectoryEntry {
  const e = object(value, field);
  const certificates = array(e.certificates, `${field}.certificates`, MAX_ENTRY_CERTIFICATES).map((c, n) => {
    const o = object(c, `${field}.certificates[${n}]`);
    return {
      attribute: string(o.attribute, `${field}.certificates[${n}].attribute`, 200),
      der: base64(o.der, `${field}.certificates[${n}].der`, 1, MAX_DIRECTORY_CERTIFICATE_BYTES),
    };
  });
  return {
    dn: string(e.dn, `${field}.dn`, 4096),
    kind: oneOf(e.kind, `${field}.kind`, ['person', 'contact', 'other'] as const),
    addresses: array(e.addresses, `${field}.addresses`, MAX_ENTRY_ADDRESSES).map((a, n) => string(a, `${field}.addresses[${n}]`, 320)),
    certificates,
  };
}

export const directoryResponseValidators = {
  'directory/search': (value: unknown): NativeRes<'directory/search'> => {
    const r = object(value, 'res');
    return {
      entries: array(r.entries, 'res.entries', MAX_DIRECTORY_ENTRIES).map((e, n) => directoryEntry(e, `res.entries[${n}]`)),
      truncated: boolean(r.truncated, 'res.truncated'),
    };
  },
  'directory/read-url': (value: unknown): NativeRes<'directory/read-url'> => ({
    values: array(object(value, 'res').values, 'res.values', MAX_READ_VALUES).map((v, n) => base64(v, `res.values[${n}]`, 1, MAX_DIRECTORY_READ_BYTES)),
  }),
  'directory/set-password': (value: unknown): NativeRes<'directory/set-password'> => {
    onlyKeys(object(value, 'res'), [], 'res');
    return {};
  },
  'directory/forget-password': (value: unknown): NativeRes<'directory/forget-password'> => ({ forgotten: boolean(object(value, 'res').forgotten, 'res.forgotten') }),
};
