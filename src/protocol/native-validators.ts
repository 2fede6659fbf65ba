/**
 * Runtime validators for the native protocol: the host checks requests, the background
 * checks responses and events, each on receipt (STYLE.md "validate on receipt").
 */
import type { HashName, NamedCurve } from '../cms/key-operator';
import type { ErrorCode } from '../errors';
import {
  array, base64, boolean, fail, integer, object, oneOf, onlyKeys, string,
} from './native-checks';
import { directoryRequestValidators, directoryResponseValidators } from './native-directory-validators';
import { mailRequestValidators, mailResponseValidators } from './native-mail-validators';
import type {
  IdentityDescription, NativeEventType, NativeEvents, NativeMessage, NativeReq, NativeRequestType, NativeRes,
  PinStatus, RequestId, StoreStatus, TokenDescription, WireKeyTransportScheme, WireSignatureScheme,
} from './native';

export const NATIVE_REQUEST_TYPES: readonly NativeRequestType[] = [
  'hello', 'identities/list', 'key/sign', 'key/decrypt', 'key/derive', 'pin/provide', 'pin/cancel', 'session/logout',
  'account/list', 'account/set', 'account/remove', 'account/set-password', 'account/forget-password', 'mail/send', 'mail/fetch',
  'directory/search', 'directory/read-url', 'directory/set-password', 'directory/forget-password',
];
const EVENT_TYPES: readonly NativeEventType[] = ['pin/needed', 'pin/pad', 'pin/closed', 'identities/changed'];
const HASHES: readonly HashName[] = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];
const CURVES: readonly NamedCurve[] = ['P-256', 'P-384', 'P-521'];
const MAX_ID = 256;
const MAX_IDENTITIES = 1000;

export function isNativeRequestType(value: unknown): value is NativeRequestType {
  return typeof value === 'string' && (NATIVE_REQUEST_TYPES as readonly string[]).includes(value);
}

function requestId(value: unknown, field: string): RequestId {
  if (typeof value === 'string') return string(value, field, 64, 'native/bad-message');
  return integer(value, field, 0, Number.MAX_SAFE_INTEGER, 'native/bad-message');
}

/**
 * Checks the envelope of one reassembled message. A request whose `type` is not known is
 * still returned (typed as unknown) so the host can answer it by id with
 * `native/unknown-type`; `readRequestType` makes that distinction.
 */
export function parseNativeMessage(value: unknown): NativeMessage | { kind: 'request'; id: RequestId; type: string; req: unknown } {
  const m = object(value, 'message', 'native/bad-message');
  switch (m.kind) {
    case 'request': {
      onlyKeys(m, ['kind', 'id', 'type', 'req'], 'message', 'native/bad-message');
      const id = requestId(m.id, 'message.id');
      const type = string(m.type, 'message.type', 64, 'native/bad-message');
      return { kind: 'request', id, type, req: m.req };
    }
    case 'response': {
      const id = m.id === null ? null : requestId(m.id, 'message.id');
      if (m.ok === true) {
        onlyKeys(m, ['kind', 'id', 'ok', 'res'], 'message', 'native/bad-message');
        return { kind: 'response', id, ok: true, res: m.res };
      }
      if (m.ok === false) {
        onlyKeys(m, ['kind', 'id', 'ok', 'error'], 'message', 'native/bad-message');
        return { kind: 'response', id, ok: false, error: wireError(m.error) };
      }
      return fail('message.ok', 'must be true or false', 'native/bad-message');
    }
    case 'event': {
      onlyKeys(m, ['kind', 'event', 'data'], 'message', 'native/bad-message');
      const event = string(m.event, 'message.event', 64, 'native/bad-message');
      if (!(EVENT_TYPES as readonly string[]).includes(event)) fail('message.event', 'unknown event', 'native/bad-message');
      return { kind: 'event', event: event as NativeEventType, data: m.data };
    }
    default:
      return fail('message.kind', 'must be request, response or event', 'native/bad-message');
  }
}

function wireError(value: unknown): { code: ErrorCode; message: string; pin?: PinStatus } {
  const e = object(value, 'error', 'native/bad-message');
  // Codes from a newer host are passed on as they are: the set may grow.
  const code = string(e.code, 'error.code', 64, 'native/bad-message') as ErrorCode;
  const message = string(e.message, 'error.message', 4096, 'native/bad-message');
  return e.pin === undefined ? { code, message } : { code, message, pin: pinStatus(e.pin, 'error.pin') };
}

function hash(value: unknown, field: string): HashName {
  return oneOf(value, field, HASHES);
}

function signatureScheme(value: unknown): WireSignatureScheme {
  const s = object(value, 'scheme');
  switch (s.name) {
    case 'RSASSA-PKCS1-v1_5':
    case 'ECDSA':
      onlyKeys(s, ['name', 'hash'], 'scheme');
      return { name: s.name, hash: hash(s.hash, 'scheme.hash') };
    case 'RSA-PSS':
      onlyKeys(s, ['name', 'hash', 'saltLength'], 'scheme');
      return { name: 'RSA-PSS', hash: hash(s.hash, 'scheme.hash'), saltLength: integer(s.saltLength, 'scheme.saltLength', 0, 512) };
    default:
      return fail('scheme.name', 'must be RSASSA-PKCS1-v1_5, RSA-PSS or ECDSA');
  }
}

function keyTransportScheme(value: unknown): WireKeyTransportScheme {
  const s = object(value, 'scheme');
  if (s.name === 'RSAES-PKCS1-v1_5') {
    onlyKeys(s, ['name'], 'scheme');
    return { name: 'RSAES-PKCS1-v1_5' };
  }
  if (s.name === 'RSA-OAEP') {
    onlyKeys(s, ['name', 'hash', 'label', 'mgf1Hash'], 'scheme');
    return {
      name: 'RSA-OAEP', hash: hash(s.hash, 'scheme.hash'),
      ...(s.label === undefined ? {} : { label: base64(s.label, 'scheme.label', 0, 1024) }),
      ...(s.mgf1Hash === undefined ? {} : { mgf1Hash: hash(s.mgf1Hash, 'scheme.mgf1Hash') }),
    };
  }
  return fail('scheme.name', 'must be RSAES-PKCS1-v1_5 or RSA-OAEP');
}

function empty(value: unknown, field: string): Record<string, never> {
  onlyKeys(object(value, field), [], field);
  return {};
}

type Validators<M extends 'req' | 'res'> = { [K in NativeRequestType]: (value: unknown) => M extends 'req' ? NativeReq<K> : NativeRes<K> };

const requestValidators: Validators<'req'> = {
  hello: (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['protocol', 'extensionVersion'], 'req');
    return { protocol: integer(r.protocol, 'req.protocol', 0, 1_000_000), extensionVersion: string(r.extensionVersion, 'req.extensionVersion', 64) };
  },
  'identities/list': (value) => empty(value, 'req'),
  'key/sign': (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['identity', 'digest', 'scheme'], 'req');
    // 20 to 64 bytes: SHA-1 to SHA-512; the store checks the length against the hash.
    return { identity: string(r.identity, 'req.identity', MAX_ID), digest: base64(r.digest, 'req.digest', 20, 64), scheme: signatureScheme(r.scheme) };
  },
  'key/decrypt': (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['identity', 'wrappedKey', 'scheme'], 'req');
    // RSA moduli up to 16384 bits.
    return { identity: string(r.identity, 'req.identity', MAX_ID), wrappedKey: base64(r.wrappedKey, 'req.wrappedKey', 1, 2048), scheme: keyTransportScheme(r.scheme) };
  },
  'key/derive': (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['identity', 'publicPoint', 'curve'], 'req');
    return { identity: string(r.identity, 'req.identity', MAX_ID), publicPoint: base64(r.publicPoint, 'req.publicPoint', 65, 133), curve: oneOf(r.curve, 'req.curve', CURVES) };
  },
  'pin/provide': (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['promptId', 'pin'], 'req');
    const pin = string(r.pin, 'req.pin', 256);
    if (pin.length === 0) fail('req.pin', 'must not be empty');
    return { promptId: string(r.promptId, 'req.promptId', 64), pin };
  },
  'pin/cancel': (value) => {
    const r = object(value, 'req');
    onlyKeys(r, ['promptId'], 'req');
    return { promptId: string(r.promptId, 'req.promptId', 64) };
  },
  'session/logout': (value) => empty(value, 'req'),
  ...mailRequestValidators,
  ...directoryRequestValidators,
};

function pinStatus(value: unknown, field: string): PinStatus {
  const p = object(value, field);
  return { countLow: boolean(p.countLow, `${field}.countLow`), finalTry: boolean(p.finalTry, `${field}.finalTry`), locked: boolean(p.locked, `${field}.locked`) };
}

function tokenDescription(value: unknown, field: string): TokenDescription {
  const t = object(value, field);
  return {
    label: string(t.label, `${field}.label`, 64), serial: string(t.serial, `${field}.serial`, 64),
    manufacturer: string(t.manufacturer, `${field}.manufacturer`, 64), model: string(t.model, `${field}.model`, 64),
    loginRequired: boolean(t.loginRequired, `${field}.loginRequired`), loggedIn: boolean(t.loggedIn, `${field}.loggedIn`),
    protectedAuthPath: boolean(t.protectedAuthPath, `${field}.protectedAuthPath`), pin: pinStatus(t.pin, `${field}.pin`),
  };
}

function identity(value: unknown, field: string): IdentityDescription {
  const i = object(value, field);
  const store = object(i.store, `${field}.store`);
  const keyType = oneOf(i.keyType, `${field}.keyType`, ['RSA', 'EC'] as const);
  const usages = array(i.usages, `${field}.usages`, 3).map((u, n) => oneOf(u, `${field}.usages[${n}]`, ['sign', 'decrypt', 'derive'] as const));
  const base = {
    id: string(i.id, `${field}.id`, MAX_ID),
    certificate: base64(i.certificate, `${field}.certificate`, 1, 64 * 1024),
    store: { kind: oneOf(store.kind, `${field}.store.kind`, ['pkcs11', 'nss', 'pkcs12'] as const), label: string(store.label, `${field}.store.label`, 256), module: string(store.module, `${field}.store.module`, 4096) },
    token: tokenDescription(i.token, `${field}.token`),
    hardware: boolean(i.hardware, `${field}.hardware`),
    keyType,
    usages,
  };
  return i.curve === undefined ? base : { ...base, curve: oneOf(i.curve, `${field}.curve`, CURVES) };
}

function storeStatus(value: unknown, field: string): StoreStatus {
  const s = object(value, field);
  return {
    kind: oneOf(s.kind, `${field}.kind`, ['pkcs11', 'nss', 'pkcs12', 'macos-keychain', 'windows-cng'] as const),
    label: string(s.label, `${field}.label`, 4096), available: boolean(s.available, `${field}.available`), detail: string(s.detail, `${field}.detail`, 4096),
  };
}

const responseValidators: Validators<'res'> = {
  hello: (value) => {
    const r = object(value, 'res');
    return {
      protocol: integer(r.protocol, 'res.protocol', 0, 1_000_000), hostVersion: string(r.hostVersion, 'res.hostVersion', 64),
      platform: string(r.platform, 'res.platform', 64), stores: array(r.stores, 'res.stores', 100).map((s, n) => storeStatus(s, `res.stores[${n}]`)),
      maxFrameBytes: integer(r.maxFrameBytes, 'res.maxFrameBytes', 1024, 64 * 1024 * 1024),
    };
  },
  'identities/list': (value) => {
    const r = object(value, 'res');
    return { identities: array(r.identities, 'res.identities', MAX_IDENTITIES).map((i, n) => identity(i, `res.identities[${n}]`)) };
  },
  'key/sign': (value) => ({ signature: base64(object(value, 'res').signature, 'res.signature', 1, 2048) }),
  'key/decrypt': (value) => ({ key: base64(object(value, 'res').key, 'res.key', 1, 2048) }),
  'key/derive': (value) => ({ secret: base64(object(value, 'res').secret, 'res.secret', 1, 133) }),
  'pin/provide': (value) => {
    const r = object(value, 'res');
    return { result: oneOf(r.result, 'res.result', ['accepted', 'incorrect', 'locked'] as const), pin: pinStatus(r.pin, 'res.pin') };
  },
  'pin/cancel': (value) => empty(value, 'res'),
  'session/logout': (value) => ({ tokens: integer(object(value, 'res').tokens, 'res.tokens', 0, 1_000_000) }),
  ...mailResponseValidators,
  ...directoryResponseValidators,
};

export function validateNativeRequest<K extends NativeRequestType>(type: K, value: unknown): NativeReq<K> {
  return requestValidators[type](value);
}

export function validateNativeResponse<K extends NativeRequestType>(type: K, value: unknown): NativeRes<K> {
  return responseValidators[type](value);
}

const eventValidators: { [E in NativeEventType]: (value: unknown) => NativeEvents[E] } = {
  'pin/needed': (value) => {
    const d = object(value, 'data');
    const t = object(d.token, 'data.token');
    return {
      promptId: string(d.promptId, 'data.promptId', 64),
      token: { label: string(t.label, 'data.token.label', 64), serial: string(t.serial, 'data.token.serial', 64) },
      pin: pinStatus(d.pin, 'data.pin'),
      timeoutSeconds: integer(d.timeoutSeconds, 'data.timeoutSeconds', 1, 86_400),
    };
  },
  'pin/pad': (value) => {
    const t = object(object(value, 'data').token, 'data.token');
    return { token: { label: string(t.label, 'data.token.label', 64), serial: string(t.serial, 'data.token.serial', 64) } };
  },
  'pin/closed': (value) => ({ promptId: string(object(value, 'data').promptId, 'data.promptId', 64) }),
  'identities/changed': (value) => ({ reason: oneOf(object(value, 'data').reason, 'data.reason', ['token-inserted', 'token-removed'] as const) }),
};

export function validateNativeEvent<E extends NativeEventType>(event: E, value: unknown): NativeEvents[E] {
  return eventValidators[event](value);
}

