/**
 * The message map of the native-messaging boundary between the background and the native
 * host (DESIGN.md invariants 2 and 3; native-host/PROTOCOL.md documents every field).
 * Both sides import it, so requests and responses cannot drift; `native-validators.ts`
 * checks every message on receipt. Binary values travel as standard base64 strings.
 */
import type { ErrorCode } from '../errors';
import type { HashName, NamedCurve } from '../cms/key-operator';

/** Bumped when a message changes incompatibly; `hello` refuses other versions. */
export const NATIVE_PROTOCOL_VERSION = 2;

/**
 * The largest message Cachet sends (`mail/send` and every transport): 48 MiB, about
 * 64 MiB as base64. Compose takes up to 25 MiB of attachments, as the large webmails do,
 * and signing, encrypting and signing again grows them about 1.86 times (base64 inside
 * the envelope, then the envelope's own base64), to about 46.5 MiB.
 */
export const MAX_MAIL_MESSAGE_BYTES = 48 * 1024 * 1024;

/**
 * The largest message Cachet reads (`mail/fetch`, a webmail's raw source, a provider
 * API's): a message sent at the limit comes back from a mailbox with the trace fields
 * servers add on delivery (Received, Return-Path, Delivered-To, RFC 5321 §4.4), which
 * 1 MiB leaves ample room for.
 */
export const MAX_FETCHED_MESSAGE_BYTES = MAX_MAIL_MESSAGE_BYTES + 1024 * 1024;

/** The name the host is registered under with every browser. */
export const NATIVE_HOST_NAME = 'org.cachet_smime.native';

export type StoreKind = 'pkcs11' | 'nss' | 'pkcs12';

/** Remaining-tries flags a token reports for its user PIN (PKCS#11 CK_TOKEN_INFO.flags). */
export interface PinStatus {
  readonly countLow: boolean;
  readonly finalTry: boolean;
  readonly locked: boolean;
}

export interface TokenDescription {
  readonly label: string;
  readonly serial: string;
  readonly manufacturer: string;
  readonly model: string;
  /** The token needs a login before its private keys can be used. */
  readonly loginRequired: boolean;
  readonly loggedIn: boolean;
  /** The PIN is entered on the reader's own pad, not sent by Cachet. */
  readonly protectedAuthPath: boolean;
  readonly pin: PinStatus;
}

export type KeyUsageName = 'sign' | 'decrypt' | 'derive';

export interface IdentityDescription {
  /** Opaque and stable across host restarts while the certificate stays on the same token. */
  readonly id: string;
  /** base64 DER of the X.509 certificate. */
  readonly certificate: string;
  readonly store: { readonly kind: StoreKind; readonly label: string; readonly module: string };
  readonly token: TokenDescription;
  /** B4: true for keys on a PKCS#11 token, false for the OS store and imported files. */
  readonly hardware: boolean;
  readonly keyType: 'RSA' | 'EC';
  /** Present for EC keys. */
  readonly curve?: NamedCurve;
  readonly usages: readonly KeyUsageName[];
}

export type WireSignatureScheme =
  | { readonly name: 'RSASSA-PKCS1-v1_5'; readonly hash: HashName }
  | { readonly name: 'RSA-PSS'; readonly hash: HashName; readonly saltLength: number }
  | { readonly name: 'ECDSA'; readonly hash: HashName };

export type WireKeyTransportScheme =
  | { readonly name: 'RSAES-PKCS1-v1_5' }
  /** `label` is base64, absent for the empty label; `mgf1Hash` absent means `hash`. */
  | { readonly name: 'RSA-OAEP'; readonly hash: HashName; readonly label?: string; readonly mgf1Hash?: HashName };

export interface StoreStatus {
  readonly kind: StoreKind | 'macos-keychain' | 'windows-cng';
  readonly label: string;
  readonly available: boolean;
  /** Why a store is not available, for people. */
  readonly detail: string;
}

/** How a mail connection is protected: STARTTLS on a plain port, or TLS from the first byte. */
export type MailSecurity = 'starttls' | 'tls';

export interface MailServerSettings {
  readonly host: string;
  readonly port: number;
  readonly security: MailSecurity;
}

/** The mail account behind one webmail origin (scheme://host[:port], as the browser writes it). */
export interface MailAccountSettings {
  readonly origin: string;
  readonly imap: MailServerSettings;
  readonly smtp: MailServerSettings;
  readonly user: string;
}

/**
 * What the host knows of an account's password, never the password itself: `none` (the
 * extension must ask), `session` (held in the host's memory until it exits) or `remembered`
 * (sealed in the accounts file).
 */
export type MailPasswordState = 'none' | 'session' | 'remembered';

export interface MailAccountDescription extends MailAccountSettings {
  readonly password: MailPasswordState;
}

export interface RefusedRecipient {
  readonly address: string;
  /** The server's reply, for people. */
  readonly reason: string;
}

/** How to reach and bind to an LDAP directory (PROTOCOL.md, "Directory"). */
export interface DirectoryConnection {
  /** ldap:// or ldaps:// URL of the server (host and port only). */
  readonly url: string;
  /** Upgrade an ldap:// connection with StartTLS before binding. */
  readonly startTls: boolean;
  /** null: anonymous; else a simple bind as this DN with the password given by directory/set-password. */
  readonly bindDn: string | null;
  readonly timeoutMs: number;
}

export interface DirectorySearch extends DirectoryConnection {
  readonly baseDn: string;
  readonly scope: 'base' | 'one' | 'sub';
  /** RFC 4515 filter template; every {address} is replaced by the looked-up address, escaped per RFC 4515 §3. */
  readonly filter: string;
  /** objectClass values that make an entry a person (B6 step 2) or a contact (step 3). */
  readonly personClasses: readonly string[];
  readonly contactClasses: readonly string[];
  /** Certificate attributes in the order B6 reads them, e.g. userCertificate;binary then userSMIMECertificate. */
  readonly certificateAttributes: readonly string[];
  readonly sizeLimit: number;
}

export interface DirectoryEntry {
  readonly dn: string;
  readonly kind: 'person' | 'contact' | 'other';
  /** mail, proxyAddresses values with their smtp:/SMTP: prefix removed (other prefixes such as x500: dropped), otherMailbox. */
  readonly addresses: readonly string[];
  /** In attribute order; userCertificate values as they are, and every certificate inside each userSMIMECertificate value (a PKCS#7/CMS SignedData). base64 DER. */
  readonly certificates: readonly { readonly attribute: string; readonly der: string }[];
}

/** The longest a directory request may take (`timeoutMs`). */
export const MAX_DIRECTORY_TIMEOUT_MS = 120_000;
/** The most `directory/read-url` returns (`maxBytes`): the same ceiling as an HTTP CRL fetch. */
export const MAX_DIRECTORY_READ_BYTES = 32 * 1024 * 1024;

/** Requests the background (or a Cachet page through it) sends to the host. */
export interface NativeProtocol {
  hello: {
    req: { readonly protocol: number; readonly extensionVersion: string };
    res: {
      readonly protocol: number;
      readonly hostVersion: string;
      readonly platform: string;
      readonly stores: readonly StoreStatus[];
      /** Largest frame the host sends or accepts, in bytes of UTF-8 JSON. */
      readonly maxFrameBytes: number;
    };
  };
  'identities/list': {
    req: Record<string, never>;
    res: { readonly identities: readonly IdentityDescription[] };
  };
  'key/sign': {
    req: { readonly identity: string; readonly digest: string; readonly scheme: WireSignatureScheme };
    /** base64; ECDSA signatures are DER Ecdsa-Sig-Value. */
    res: { readonly signature: string };
  };
  'key/decrypt': {
    req: { readonly identity: string; readonly wrappedKey: string; readonly scheme: WireKeyTransportScheme };
    res: { readonly key: string };
  };
  'key/derive': {
    req: { readonly identity: string; readonly publicPoint: string; readonly curve: NamedCurve };
    /** base64 of the raw shared secret Z. */
    res: { readonly secret: string };
  };
  'pin/provide': {
    req: { readonly promptId: string; readonly pin: string };
    res: { readonly result: 'accepted' | 'incorrect' | 'locked'; readonly pin: PinStatus };
  };
  'pin/cancel': {
    req: { readonly promptId: string };
    res: Record<string, never>;
  };
  'session/logout': {
    req: Record<string, never>;
    res: { readonly tokens: number };
  };
  'account/list': {
    req: Record<string, never>;
    res: { readonly accounts: readonly MailAccountDescription[] };
  };
  /** Creates or replaces the account of `origin`; new servers or user drop its password. */
  'account/set': {
    req: MailAccountSettings;
    res: { readonly account: MailAccountDescription };
  };
  'account/remove': {
    req: { readonly origin: string };
    res: { readonly removed: boolean };
  };
  /** `remember` false keeps the password in the host's memory only, and drops a remembered one. */
  'account/set-password': {
    req: { readonly origin: string; readonly password: string; readonly remember: boolean };
    res: { readonly account: MailAccountDescription };
  };
  'account/forget-password': {
    req: { readonly origin: string };
    res: { readonly forgotten: boolean };
  };
  /** Submits `message` (base64, sent byte for byte) to the envelope's recipients. */
  'mail/send': {
    req: {
      readonly origin: string;
      readonly message: string;
      readonly envelope: { readonly from: string; readonly to: readonly string[] };
      readonly saveToSent: boolean;
    };
    res: {
      readonly accepted: readonly string[];
      readonly rejected: readonly RefusedRecipient[];
      readonly savedToSent: boolean;
      /** Why the copy in Sent failed, when it was asked for; the message itself went out. */
      readonly saveToSentError?: { readonly code: ErrorCode; readonly message: string };
      /** The message's Message-ID field, when it has one. */
      readonly messageId?: string;
    };
  };
  /** The raw message by UID in `mailbox` (default INBOX), or by its Message-ID field. */
  'mail/fetch': {
    req:
      | { readonly origin: string; readonly mailbox?: string; readonly uid: number }
      | { readonly origin: string; readonly mailbox?: string; readonly messageId: string };
    res: { readonly message: string; readonly mailbox: string; readonly uid: number };
  };
  /** Entries matching `address` under the search's filter template, with their addresses and certificates. */
  'directory/search': {
    req: { readonly directory: DirectorySearch; readonly address: string };
    res: { readonly entries: readonly DirectoryEntry[]; readonly truncated: boolean };
  };
  /** An RFC 4516 ldap:// URL of a CRL distribution point or AIA caIssuers (dn?attribute), read anonymously unless `connection` says how to bind to that server. */
  'directory/read-url': {
    req: {
      readonly url: string;
      readonly timeoutMs: number;
      readonly maxBytes: number;
      readonly connection?: Omit<DirectoryConnection, 'url' | 'timeoutMs'>;
    };
    res: { readonly values: readonly string[] };
  };
  'directory/set-password': {
    req: { readonly url: string; readonly bindDn: string; readonly password: string; readonly remember: boolean };
    res: Record<string, never>;
  };
  'directory/forget-password': {
    req: { readonly url: string; readonly bindDn: string };
    res: { readonly forgotten: boolean };
  };
}

export type NativeRequestType = keyof NativeProtocol;
export type NativeReq<K extends NativeRequestType> = NativeProtocol[K]['req'];
export type NativeRes<K extends NativeRequestType> = NativeProtocol[K]['res'];

/** Messages the host sends on its own, without a request. */
export interface NativeEvents {
  /** A token needs its PIN; answer with `pin/provide` or `pin/cancel` quoting `promptId`. */
  'pin/needed': {
    readonly promptId: string;
    readonly token: { readonly label: string; readonly serial: string };
    readonly pin: PinStatus;
    /** Seconds before the host gives up waiting and fails the waiting operation. */
    readonly timeoutSeconds: number;
  };
  /** The token reads its PIN from its own pad: tell the user to type it there. */
  'pin/pad': { readonly token: { readonly label: string; readonly serial: string } };
  /** A prompt ended (PIN accepted, cancelled, timed out): close any page showing it. */
  'pin/closed': { readonly promptId: string };
  /** A token appeared or went away (B19): list identities again. */
  'identities/changed': { readonly reason: 'token-inserted' | 'token-removed' };
}

export type NativeEventType = keyof NativeEvents;

export type RequestId = number | string;

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  /** PIN state for `pin/*` errors, so the page can warn about the last try. */
  readonly pin?: PinStatus;
}

/** What travels in one native-messaging frame, after chunk reassembly. */
export type NativeMessage =
  | { readonly kind: 'request'; readonly id: RequestId; readonly type: NativeRequestType; readonly req: unknown }
  | { readonly kind: 'response'; readonly id: RequestId | null; readonly ok: true; readonly res: unknown }
  | { readonly kind: 'response'; readonly id: RequestId | null; readonly ok: false; readonly error: WireError }
  | { readonly kind: 'event'; readonly event: NativeEventType; readonly data: unknown };
