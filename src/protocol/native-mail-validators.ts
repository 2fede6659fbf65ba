/**
 * Validators for the mail and account messages of the native protocol (PROTOCOL.md,
 * "Mail accounts" and "Sending and fetching mail"). Host names, addresses and mailbox names
 * end up in SMTP and IMAP commands, so anything that could break a command line (control
 * characters, spaces in an address) is refused here, before any connection is made.
 */
import type { ErrorCode } from '../errors';
import { checkAddress } from '../mime/encode-header';
import { array, base64, boolean, fail, integer, object, oneOf, onlyKeys, string } from './native-checks';
import {
  MAX_FETCHED_MESSAGE_BYTES, MAX_MAIL_MESSAGE_BYTES, type MailAccountDescription, type MailAccountSettings, type MailServerSettings, type NativeReq,
  type NativeRes,
} from './native';

const MAX_ACCOUNTS = 1000;
const MAX_RECIPIENTS = 1000;
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\x00-\x1f\x7f]/;
/** RFC 1123 host names, IPv4 dotted quads, and IPv6 literals without brackets. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
/**
 * RFC 5322 §3.6.4 msg-id: dot-atom text, '@' and a domain literal's brackets inside angle
 * brackets. No quote or backslash, which would need escaping in an IMAP SEARCH string.
 */
const MESSAGE_ID = /^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@[\]]+>$/;

function text(value: unknown, field: string, maxLength: number): string {
  const s = string(value, field, maxLength);
  if (s.length === 0) fail(field, 'must not be empty');
  if (CONTROL.test(s)) fail(field, 'must not contain control characters');
  return s;
}

/**
 * A web origin in the form the browser serialises it (`https://mail.example.org`,
 * `http://127.0.0.1:8025`): one account per origin, so two spellings of the same one
 * must not make two accounts.
 */
export function mailOrigin(value: unknown, field: string): string {
  const s = string(value, field, 2048);
  let parsed: URL | undefined;
  try {
    parsed = new URL(s);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.origin !== s) {
    fail(field, 'must be a web origin such as https://mail.example.org, with no path or trailing slash');
  }
  return s;
}

export function mailHost(value: unknown, field: string): string {
  const s = string(value, field, 253);
  if (!HOST_NAME.test(s) && !(s.includes(':') && IPV6.test(s))) fail(field, 'must be a host name or IP address');
  return s;
}

function server(value: unknown, field: string): MailServerSettings {
  const s = object(value, field);
  onlyKeys(s, ['host', 'port', 'security'], field);
  return {
    host: mailHost(s.host, `${field}.host`),
    port: integer(s.port, `${field}.port`, 1, 65_535),
    security: oneOf(s.security, `${field}.security`, ['starttls', 'tls'] as const),
  };
}

export function mailAccountSettings(value: unknown, field: string, extraKeys: readonly string[] = []): MailAccountSettings {
  const a = object(value, field);
  onlyKeys(a, ['origin', 'imap', 'smtp', 'user', ...extraKeys], field);
  return {
    origin: mailOrigin(a.origin, `${field}.origin`),
    imap: server(a.imap, `${field}.imap`),
    smtp: server(a.smtp, `${field}.smtp`),
    user: text(a.user, `${field}.user`, 256),
  };
}

function accountDescription(value: unknown, field: string): MailAccountDescription {
  const settings = mailAccountSettings(value, field, ['password']);
  return { ...settings, password: oneOf((value as Record<string, unknown>).password, `${field}.password`, ['none', 'session', 'remembered'] as const) };
}

function originOnly(value: unknown): { origin: string } {
  const r = object(value, 'req');
  onlyKeys(r, ['origin'], 'req');
  return { origin: mailOrigin(r.origin, 'req.origin') };
}

function address(value: unknown, field: string): string {
  const s = string(value, field, 254);
  try {
    return checkAddress(s);
  } catch {
    return fail(field, 'must be a plain e-mail address (local@domain)');
  }
}

export function mailboxName(value: unknown, field: string): string {
  return text(value, field, 1024);
}

export function messageIdField(value: unknown, field: string): string {
  const s = string(value, field, 998);
  if (!MESSAGE_ID.test(s)) fail(field, 'must be a Message-ID in angle brackets, such as <id@example.org>');
  return s;
}

export const mailRequestValidators = {
  'account/list': (value: unknown): NativeReq<'account/list'> => {
    onlyKeys(object(value, 'req'), [], 'req');
    return {};
  },
  'account/set': (value: unknown): NativeReq<'account/set'> => mailAccountSettings(value, 'req'),
  'account/remove': originOnly,
  'account/set-password': (value: unknown): NativeReq<'account/set-password'> => {
    const r = object(value, 'req');
    onlyKeys(r, ['origin', 'password', 'remember'], 'req');
    const password = string(r.password, 'req.password', 1024);
    // SASL PLAIN separates its fields with NUL (RFC 4616), so a password cannot hold one.
    if (password.length === 0 || password.includes('\u0000')) fail('req.password', 'must be 1 to 1024 characters without NUL');
    return { origin: mailOrigin(r.origin, 'req.origin'), password, remember: boolean(r.remember, 'req.remember') };
  },
  'account/forget-password': originOnly,
  'mail/send': (value: unknown): NativeReq<'mail/send'> => {
    const r = object(value, 'req');
    onlyKeys(r, ['origin', 'message', 'envelope', 'saveToSent'], 'req');
    const e = object(r.envelope, 'req.envelope');
    onlyKeys(e, ['from', 'to'], 'req.envelope');
    const to = array(e.to, 'req.envelope.to', MAX_RECIPIENTS).map((a, n) => address(a, `req.envelope.to[${n}]`));
    if (to.length === 0) fail('req.envelope.to', 'must name at least one recipient');
    return {
      origin: mailOrigin(r.origin, 'req.origin'),
      message: base64(r.message, 'req.message', 1, MAX_MAIL_MESSAGE_BYTES),
      envelope: { from: address(e.from, 'req.envelope.from'), to },
      saveToSent: boolean(r.saveToSent, 'req.saveToSent'),
    };
  },
  'mail/fetch': (value: unknown): NativeReq<'mail/fetch'> => {
    const r = object(value, 'req');
    onlyKeys(r, ['origin', 'mailbox', 'uid', 'messageId'], 'req');
    const origin = mailOrigin(r.origin, 'req.origin');
    const mailbox = r.mailbox === undefined ? {} : { mailbox: mailboxName(r.mailbox, 'req.mailbox') };
    if ((r.uid === undefined) === (r.messageId === undefined)) fail('req', 'give either uid or messageId');
    if (r.uid !== undefined) return { origin, ...mailbox, uid: integer(r.uid, 'req.uid', 1, 0xffff_ffff) };
    return { origin, ...mailbox, messageId: messageIdField(r.messageId, 'req.messageId') };
  },
};

function saveToSentError(value: unknown, field: string): { code: ErrorCode; message: string } {
  const e = object(value, field);
  // As in wireError: codes from a newer host are passed on, the set may grow.
  return { code: string(e.code, `${field}.code`, 64) as ErrorCode, message: string(e.message, `${field}.message`, 4096) };
}

export const mailResponseValidators = {
  'account/list': (value: unknown): NativeRes<'account/list'> => ({
    accounts: array(object(value, 'res').accounts, 'res.accounts', MAX_ACCOUNTS).map((a, n) => accountDescription(a, `res.accounts[${n}]`)),
  }),
  'account/set': (value: unknown): NativeRes<'account/set'> => ({ account: accountDescription(object(value, 'res').account, 'res.account') }),
  'account/remove': (value: unknown): NativeRes<'account/remove'> => ({ removed: boolean(object(value, 'res').removed, 'res.removed') }),
  'account/set-password': (value: unknown): NativeRes<'account/set-password'> => ({ account: accountDescription(object(value, 'res').account, 'res.account') }),
  'account/forget-password': (value: unknown): NativeRes<'account/forget-password'> => ({ forgotten: boolean(object(value, 'res').forgotten, 'res.forgotten') }),
  'mail/send': (value: unknown): NativeRes<'mail/send'> => {
    const r = object(value, 'res');
    const rejected = array(r.rejected, 'res.rejected', MAX_RECIPIENTS).map((x, n) => {
      const o = object(x, `res.rejected[${n}]`);
      return { address: string(o.address, `res.rejected[${n}].address`, 254), reason: string(o.reason, `res.rejected[${n}].reason`, 4096) };
    });
    return {
      accepted: array(r.accepted, 'res.accepted', MAX_RECIPIENTS).map((a, n) => string(a, `res.accepted[${n}]`, 254)),
      rejected,
      savedToSent: boolean(r.savedToSent, 'res.savedToSent'),
      ...(r.saveToSentError === undefined ? {} : { saveToSentError: saveToSentError(r.saveToSentError, 'res.saveToSentError') }),
      ...(r.messageId === undefined ? {} : { messageId: string(r.messageId, 'res.messageId', 998) }),
    };
  },
  'mail/fetch': (value: unknown): NativeRes<'mail/fetch'> => {
    const r = object(value, 'res');
    return {
      message: base64(r.message, 'res.message', 1, MAX_FETCHED_MESSAGE_BYTES),
      mailbox: string(r.mailbox, 'res.mailbox', 1024),
      uid: integer(r.uid, 'res.uid', 1, 0xffff_ffff),
    };
  },
};
