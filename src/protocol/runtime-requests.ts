/**
 * Runtime validators for every request of the runtime map. The background runs them on
 * receipt, before any handler, because a content script lives next to a hostile page and
 * even our own pages may be fed odd input (DESIGN.md invariant 5).
 */
import { CachetError } from '../errors';
import { isPolicyKey } from '../policy';
import type { Req, RuntimeCommand, TrustList } from './runtime';

type Fields = Record<string, unknown>;

function invalid(message: string): CachetError {
  return new CachetError('input/invalid', message);
}

function record(raw: unknown, allowed: readonly string[]): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('request must be an object');
  const fields = raw as Fields;
  const extra = Object.keys(fields).filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw invalid(`unexpected field "${extra[0]?.slice(0, 40)}"`);
  return fields;
}

function text(fields: Fields, name: string, max: number, pattern?: RegExp): string {
  const v = fields[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw invalid(`${name} must be a string of 1 to ${max} characters`);
  if (pattern && !pattern.test(v)) throw invalid(`${name} has an invalid form`);
  return v;
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;
const fingerprint = /^[0-9a-f]{64}$/;
/** Prompt ids come from the native host (NativeEvents 'pin/needed'); URL-safe by contract. */
const promptId = /^[A-Za-z0-9_-]{1,128}$/;
/** Imported certificate files are small; 4 MiB of base64 is far beyond any real bundle. */
const maxFileBase64 = 4 * 1024 * 1024;
/** A compose window has at most a few hundred recipients; more is abuse. */
const maxAddresses = 500;

const empty = (raw: unknown): Record<string, never> => {
  record(raw ?? {}, []);
  return {};
};

function trustList(fields: Fields): TrustList {
  const list = fields['list'];
  if (list !== 'trustedRoots' && list !== 'untrustedCertificates') throw invalid('list must be trustedRoots or untrustedCertificates');
  return list;
}

const validators: { readonly [K in RuntimeCommand]: (raw: unknown) => Req<K> } = {
  'policy/get': empty,
  'policy/set-user': (raw) => {
    const f = record(raw, ['key', 'value']);
    const key = text(f, 'key', 64);
    if (!isPolicyKey(key)) throw invalid('key is not a policy key');
    // The value is checked against the key's own rules in the handler (src/policy).
    return { key, value: f['value'] };
  },
  'policy/reset-user': (raw) => {
    const key = text(record(raw, ['key']), 'key', 64);
    if (!isPolicyKey(key)) throw invalid('key is not a policy key');
    return { key };
  },
  'native/status': empty,
  'address-book/list': empty,
  'address-book/import': (raw) => {
    const f = record(raw, ['fileName', 'data']);
    return { fileName: text(f, 'fileName', 255), data: text(f, 'data', maxFileBase64, base64) };
  },
  'address-book/delete': (raw) => ({ fingerprint: text(record(raw, ['fingerprint']), 'fingerprint', 64, fingerprint) }),
  'address/status': (raw) => {
    const list = record(raw, ['addresses'])['addresses'];
    if (!Array.isArray(list) || list.length > maxAddresses) throw invalid(`addresses must be a list of at most ${maxAddresses}`);
    const addresses = (list as unknown[]).map((a) => {
      if (typeof a !== 'string' || a.length === 0 || a.length > 320) throw invalid('each address must be a string of 1 to 320 characters');
      return a;
    });
    return { addresses };
  },
  'frame/open-reader': (raw) => ({ messageId: text(record(raw, ['messageId']), 'messageId', 512) }),
  'trust/list': empty,
  'trust/add': (raw) => {
    const f = record(raw, ['list', 'data']);
    return { list: trustList(f), data: text(f, 'data', maxFileBase64, base64) };
  },
  'trust/remove': (raw) => {
    const f = record(raw, ['list', 'fingerprint']);
    return { list: trustList(f), fingerprint: text(f, 'fingerprint', 64, fingerprint) };
  },
  'pin/info': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
  // PKCS#11 PINs are short; the bound stops a caller from pushing megabytes through the host.
  'pin/provide': (raw) => {
    const f = record(raw, ['promptId', 'pin']);
    return { promptId: text(f, 'promptId', 128, promptId), pin: text(f, 'pin', 256) };
  },
  'pin/cancel': (raw) => ({ promptId: text(record(raw, ['promptId']), 'promptId', 128, promptId) }),
};

export function isRuntimeCommand(value: unknown): value is RuntimeCommand {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(validators, value);
}

/** Throws CachetError('input/invalid') when the request does not fit the command. */
export function validateRequest<K extends RuntimeCommand>(type: K, raw: unknown): Req<K> {
  return validators[type](raw);
}
