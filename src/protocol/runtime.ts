/**
 * The runtime message map between extension pages, content scripts and the background
 * (DESIGN.md invariant 3, STYLE.md "one typed map per boundary"). Both sides import it,
 * so requests and responses cannot drift; `runtime-requests.ts` checks each request on
 * receipt, and `runtime-envelope.ts` carries errors as a code and a message.
 */
import type { Policy, PolicyKey } from '../policy';
import type { PinStatus } from './native';
import type { SecurityIndicator } from './security-indicator';

export interface PolicyView {
  readonly policy: Policy;
  readonly locked: readonly PolicyKey[];
  /** The user's own options, shown beside locked values so the user sees what is overridden. */
  readonly user: Partial<Policy>;
  readonly warnings: readonly { readonly key: string; readonly message: string; readonly source: 'managed' | 'user' }[];
}

/**
 * What the browser said when the background tried to reach the native host. The states
 * follow the browser's own distinctions so the options page can name the right fix.
 */
export type NativeHostState = 'connected' | 'not-installed' | 'forbidden' | 'failed-to-start' | 'exited' | 'error';

export interface NativeStatus {
  readonly state: NativeHostState;
  /** The browser's message, for people; never parsed. */
  readonly detail: string;
}

export interface CertificateSummary {
  /** Lowercase hex SHA-256 of the DER certificate. */
  readonly fingerprint: string;
  readonly subject: string;
  readonly issuer: string;
  /** Lowercased e-mail addresses from the subject and subjectAltName (B1). */
  readonly addresses: readonly string[];
  /** ISO 8601 times of the validity window (B3, B9). */
  readonly notBefore: string;
  readonly notAfter: string;
}

export type AddressBookSource = 'import' | 'harvest';

export interface AddressBookEntry extends CertificateSummary {
  readonly source: AddressBookSource;
  readonly addedAt: string;
  /** Content-encryption OIDs from the holder's SMIMECapabilities (B8); null when never seen. */
  readonly capabilities: readonly string[] | null;
}

/** Status of one recipient address as a content script may see it: no certificate bytes. */
export interface AddressStatus {
  readonly address: string;
  readonly state: 'certificate' | 'expired' | 'none';
}

export type TrustList = 'trustedRoots' | 'untrustedCertificates';

export interface TrustView {
  readonly roots: readonly (CertificateSummary & { readonly locked: boolean })[];
  readonly untrusted: readonly { readonly fingerprint: string; readonly locked: boolean }[];
}

/**
 * What a private key is about to be used for, as the PIN page tells the user: signing a
 * message (to whom, under which subject) or decrypting one (from whom, which subject).
 */
export type KeyUsePurpose =
  | { readonly operation: 'sign'; readonly subject: string; readonly recipients: readonly string[] }
  | { readonly operation: 'decrypt'; readonly subject: string; readonly from: string };

export interface PinPromptInfo {
  /** The token (smart card) the PIN is for, as the native host names it. */
  readonly tokenLabel: string;
  readonly tokenSerial: string;
  /** Remaining-tries flags, so the page can warn before the last try. */
  readonly pin: PinStatus;
  /** What the unlocked key will do: every signing and decryption running when the PIN was asked. */
  readonly purposes: readonly KeyUsePurpose[];
}

export interface PinResult {
  readonly result: 'accepted' | 'incorrect' | 'locked';
  readonly pin: PinStatus;
}

/** One of the user's own certificates with a private key, as the native host lists it. */
export interface IdentityView extends CertificateSummary {
  /** The host's identity id; opaque. */
  readonly id: string;
  /** B4: on a smart card or other PKCS#11 token. */
  readonly hardware: boolean;
  readonly storeLabel: string;
  readonly tokenLabel: string;
  readonly canSign: boolean;
  readonly canDecrypt: boolean;
}

export interface IdentityList {
  readonly identities: readonly IdentityView[];
  readonly defaultSigning: string | null;
}

/** A signer as the reader shows it in a banner (B13 step one: the signature itself). */
export interface SignerView {
  /** 0 for the outermost signed layer. */
  readonly layer: number;
  /** The CMS verdict: good, bad-signature, digest-mismatch, weak, unknown-signer, … */
  readonly status: string;
  readonly reason?: string;
  readonly name: string;
  readonly addresses: readonly string[];
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly signingTime?: string;
  /**
   * The From address is one of the signer's (a good signature by someone else is not the
   * sender's); null when there is no From to compare with (a bare smime.p7m).
   */
  readonly fromMatches: boolean | null;
}

/** B13 step two: the signer's certificate validated (RFC 5280, revocation, trust). */
export interface SignerValidationView {
  readonly valid: boolean;
  /** A reason word (expired, revoked, untrusted-root, …) when not valid. */
  readonly reason?: string;
  readonly errors: readonly string[];
}

export interface ReaderAttachment {
  readonly index: number;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
}

/**
 * Who the From field names (src/smime/message-author.ts): one mailbox, shown as its name
 * with the real address beside it, or the reason there is no single author.
 */
export interface AuthorView {
  readonly address: string | null;
  readonly name: string;
  /** The display name holds an address other than `address`: the page says which is real. */
  readonly nameHoldsOtherAddress: boolean;
  readonly problem?: string;
}

/** What the secure reader shows of one message; it exists only in Cachet's own pages. */
export interface ReaderView {
  readonly sessionId: string;
  readonly from: string;
  /** Null for a bare smime.p7m, which has no header fields. */
  readonly author: AuthorView | null;
  readonly to: string;
  readonly cc: string;
  readonly subject: string;
  readonly date: string;
  readonly encrypted: boolean;
  /** A bare smime.p7m, without the message's header fields: its sender and date are unknown. */
  readonly bareFile: boolean;
  readonly signers: readonly SignerView[];
  /** Layers not opened or signatures not shown, and why (src/cms/read-message.ts). */
  readonly notices: readonly string[];
  readonly text: string | null;
  /** Untrusted HTML as the sender wrote it; the page sanitises it before showing it. */
  readonly html: string | null;
  readonly attachments: readonly ReaderAttachment[];
}

/** The sources of B6: the user's address book, the organisation directory. */
export type RecipientSourceName = 'address-book' | 'directory';

/** The directory entry a certificate came from: a person's (B6 step 2) or a contact's (step 3). */
export interface RecipientEntryView {
  readonly kind: 'person' | 'contact';
  readonly dn: string;
}

/** A certificate passed over for a recipient, where it came from, and why (B6, B9–B11, B8). */
export interface SkippedCertificateView {
  readonly source: RecipientSourceName;
  /** Present for the directory's certificates. */
  readonly entry?: RecipientEntryView;
  /** The certificate's subject; empty when it cannot be decoded. */
  readonly subject: string;
  readonly reason: string;
}

/** A recipient in compose: which certificate would be used, or why none (B6–B8). */
export interface RecipientView {
  readonly address: string;
  readonly state: 'ok' | 'none' | 'invalid' | 'algorithm';
  /** Where the certificate shown was found (B6). */
  readonly source?: RecipientSourceName;
  /** For a certificate from the directory, the entry that held it. */
  readonly entry?: RecipientEntryView;
  readonly certificate?: CertificateSummary;
  /** Why the certificate cannot be used, for people. */
  readonly detail?: string;
  /** What did not stop the certificate's use but must be seen (B10 `checkCrl`: no revocation answer). */
  readonly warnings?: readonly string[];
  /** Every certificate passed over, in the order B6 looked at them. */
  readonly skipped?: readonly SkippedCertificateView[];
  /** Sources that could not be asked, and why (the directory unreachable, its password not given). */
  readonly unavailable?: readonly string[];
}

export interface ComposeAttachment {
  readonly fileName: string;
  readonly mediaType: string;
  /** base64 */
  readonly data: string;
}

export interface ComposeRequest {
  /** Identity id from `identities/list`; required when signing or encrypting. */
  readonly identity?: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments: readonly ComposeAttachment[];
  /** A reply's threading (RFC 5322 §3.6.4): the original's Message-ID and its References. */
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly sign: boolean;
  readonly encrypt: boolean;
  /**
   * B7: the sender saw the warning and chose to send encrypted anyway to recipients who
   * cannot read it. Refused when `alwaysEncrypt` is on.
   */
  readonly encryptDespiteMissing: boolean;
}

/** A compose form's fields as the webmail page holds them; they prefill secure compose. */
export interface ComposePrefill {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly subject: string;
}

export type ComposeMode = 'new' | 'reply' | 'forward' | 'draft';

/**
 * A message as the webmail's own API names it, fetched by the site's transport
 * (background/transports/, `fetchByProviderId`) with the user's authorisation, never with
 * the page's session: Microsoft Graph's message id (`GET /me/messages/{id}/$value`), or
 * the Gmail API's (hexadecimal, `users.messages.get?format=raw`).
 */
export type ProviderMessage = { readonly provider: 'graph' | 'gmail'; readonly id: string };

/** The original message quoted in a reply or forward, from Cachet's own decrypted copy. */
export interface ComposeQuote {
  readonly from: string;
  readonly date: string;
  readonly subject: string;
  readonly text: string;
  /** The original's Message-ID, for In-Reply-To and References (RFC 5322 §3.6.4). */
  readonly messageId: string;
  readonly references: string;
}

/** What a compose frame in a webmail tab starts from. */
export interface ComposeFrameView {
  /** Names this compose frame in `compose/send` and `compose/close`. */
  readonly slot: string;
  /** The webmail's origin: its mail account sends the message. */
  readonly site: string;
  readonly mode: ComposeMode;
  readonly fields: ComposePrefill;
  /** Present for a reply or forward whose original Cachet could read. */
  readonly quote?: ComposeQuote;
  /** Why the original could not be quoted, for people. */
  readonly quoteProblem?: string;
}

/** How the mail server took a message (native `mail/send`). */
export interface SendResult {
  readonly accepted: readonly string[];
  readonly rejected: readonly { readonly address: string; readonly reason: string }[];
  readonly savedToSent: boolean;
}

/** What a password is asked for: a webmail's mail account, or the organisation directory's bind. */
export type PasswordPurpose = 'mail-account' | 'directory';

/** What the password page shows: what the password is for, whose it is, and whether the last one failed. */
export interface PasswordPromptInfo {
  readonly purpose: PasswordPurpose;
  /** The webmail origin of the mail account, or the directory's ldap:// or ldaps:// URL. */
  readonly site: string;
  /** The login name (the bind DN for the directory), or null when the user is to give it too. */
  readonly user: string | null;
  readonly failed: boolean;
}

export interface PasswordAnswer {
  readonly user: string;
  readonly password: string;
  /** Keep it in the native host, sealed at rest; otherwise only until the host exits. */
  readonly remember: boolean;
}

/** Whether Cachet runs on a site, and why (background/site-access.ts). */
export interface SiteStatus {
  readonly origin: string;
  /** The organisation's allowedWebmailOrigins, if any, include this site. */
  readonly allowed: boolean;
  /** The organisation switched Cachet on for this site. */
  readonly byPolicy: boolean;
  /** The content script runs here (on the next load of the site's pages). */
  readonly enabled: boolean;
  /** Switched on, by the user or policy, but a permission of the browser's is still to be given. */
  readonly needsPermission: boolean;
  /** Every host permission Cachet asks for here: the site's pages and the servers its mail goes through. */
  readonly permissionPatterns: readonly string[];
  /** Servers the site's mail goes through (a JMAP server) that Cachet has no permission to reach yet. */
  readonly unreachableServices: readonly string[];
}

/** The OAuth providers Cachet signs in with, for the Gmail API and Microsoft Graph. */
export type OAuthProvider = 'google' | 'microsoft';

/** What a provider's sign-in lets Cachet do, as the options page says it: send mail, read a message. */
export type MailPermission = 'send' | 'read';

/** One provider's account as the options page shows it (background/oauth/oauth-accounts.ts). */
export interface OAuthAccountView {
  readonly provider: OAuthProvider;
  /** Whose OAuth client Cachet signs in with: none set, the user's options, or the organisation's policy. */
  readonly client: 'none' | 'options' | 'policy';
  /** Cachet keeps a sign-in for the client set now. */
  readonly signedIn: boolean;
  /** What the kept sign-in allows. */
  readonly granted: readonly MailPermission[];
  /** What the sites that send or fetch through this provider need; what "Sign in" asks for. */
  readonly needed: readonly MailPermission[];
  /** Webmail origins whose mail goes through this provider (siteTransports). */
  readonly sites: readonly string[];
}

/**
 * What became of a grant at sign-out. Cachet always forgets its tokens; where the provider
 * documents a revocation endpoint (RFC 7009; Google's) it also asks the provider to revoke
 * the grant: `revoked`, or `failed` with the reason; `not-offered` where the provider has
 * none for Cachet's kind of client (Microsoft); `nothing-kept` when no tokens were kept.
 */
export type RevocationOutcome = 'revoked' | 'failed' | 'not-offered' | 'nothing-kept';

type Empty = Record<string, never>;

export type RuntimeProtocol = {
  'policy/get': { req: Empty; res: PolicyView };
  'policy/set-user': { req: { key: PolicyKey; value: unknown }; res: PolicyView };
  'policy/reset-user': { req: { key: PolicyKey }; res: PolicyView };
  'native/status': { req: Empty; res: NativeStatus };
  'address-book/list': { req: Empty; res: { entries: readonly AddressBookEntry[] } };
  /** `data` is the file's bytes in base64: runtime messages are JSON in Chromium. */
  'address-book/import': { req: { fileName: string; data: string }; res: { added: readonly CertificateSummary[]; alreadyPresent: number } };
  'address-book/delete': { req: { fingerprint: string }; res: Empty };
  'address/status': { req: { addresses: readonly string[] }; res: { statuses: readonly AddressStatus[] } };
  /**
   * A content script asks for a reader frame for one message. Either `source`, the raw
   * message (base64), which the page holds anyway: ciphertext or signed data, never
   * plaintext; or where it is, in one or both of two ways: `sourceUrl`, where the page's
   * session fetches it (of the content script's own origin only), and `provider`, the
   * message as the webmail's API names it. The background chooses (background/raw-message.ts).
   */
  'frame/open-reader': { req: { messageId: string; source?: string; sourceUrl?: string; provider?: ProviderMessage }; res: { url: string } };
  /**
   * A content script names the raw source of the message the user just selected in the
   * webmail's list, before the webmail shows it: the background starts fetching it with the
   * page's session, for the `frame/open-reader` with the same `sourceUrl` that follows.
   */
  'frame/prefetch-source': { req: { sourceUrl: string }; res: Empty };
  /**
   * A content script asks for a compose frame, prefilled from the webmail's form. For a
   * reply or forward, the original: `originalMessageId`, its Message-ID, fetched from the
   * site's mail account; or one or both of `originalUrl`, where the original's raw source
   * is (same origin), and `originalProvider`, the original as the webmail's API names it,
   * chosen between as for `frame/open-reader`.
   */
  'frame/open-compose': {
    req: { fields: ComposePrefill; mode: ComposeMode; originalUrl?: string; originalMessageId?: string; originalProvider?: ProviderMessage };
    res: { url: string; slot: string };
  };
  /** The compose frame redeems its one-time token. */
  'compose/open-frame': { req: { token: string }; res: ComposeFrameView };
  /** The compose frame builds the message and hands it to its site's mail account. */
  'compose/send': { req: { slot: string; message: ComposeRequest }; res: SendResult };
  /** The compose frame is closed without sending: the webmail gets its editor back. */
  'compose/close': { req: { slot: string }; res: Empty };
  /** The password page (top level only) asks what its prompt is about. */
  'password/info': { req: { promptId: string }; res: PasswordPromptInfo };
  /** The only way a mail password leaves a Cachet page: to the waiting transport. */
  'password/provide': { req: { promptId: string; answer: PasswordAnswer }; res: Empty };
  'password/cancel': { req: { promptId: string }; res: Empty };
  'site/status': { req: { origin: string }; res: SiteStatus };
  /** After the popup got the origin's host permission in the user's click. */
  'site/enable': { req: { origin: string }; res: SiteStatus };
  'site/disable': { req: { origin: string }; res: SiteStatus };
  'trust/list': { req: Empty; res: TrustView };
  'trust/add': { req: { list: TrustList; data: string }; res: TrustView };
  'trust/remove': { req: { list: TrustList; fingerprint: string }; res: TrustView };
  /** The PIN page asks what the prompt it was opened for is about (`promptId` from its URL). */
  'pin/info': { req: { promptId: string }; res: PinPromptInfo };
  /** Forwarded to the native host's `pin/provide`; the only way a PIN leaves a Cachet page. */
  'pin/provide': { req: { promptId: string; pin: string }; res: PinResult };
  'pin/cancel': { req: { promptId: string }; res: Empty };
  /** `defaultSigning`: the user's chosen signing identity if still present, else B4's choice. */
  'identities/list': { req: Empty; res: IdentityList };
  'identities/set-default': { req: { id: string }; res: IdentityList };
  /** A message the user dropped or picked in the reader; `data` is base64 of the raw message. */
  'reader/open': { req: { data: string }; res: ReaderView };
  /** The reader in a frame redeems the one-time token a content script got from `frame/open-reader`. */
  'reader/open-frame': { req: { token: string }; res: ReaderView };
  /** Waits for the validation of every signer of an opened message (B13 step two). */
  'reader/validation': { req: { sessionId: string }; res: { signers: readonly SignerValidationView[] } };
  'reader/attachment': { req: { sessionId: string; index: number }; res: { data: string } };
  'compose/recipients': { req: { addresses: readonly string[] }; res: { recipients: readonly RecipientView[] } };
  /** Builds the complete S/MIME message; `message` is base64 of the RFC 5322 bytes. */
  'compose/build': { req: ComposeRequest; res: { message: string; fileName: string } };
  /** The personal security indicator Cachet's own pages show; never handed to a content script. */
  'indicator/get': { req: Empty; res: SecurityIndicator };
  /** The user chooses the indicator in the options page. */
  'indicator/set': { req: SecurityIndicator; res: SecurityIndicator };
  /** The options page shows each OAuth provider's client and sign-in. */
  'oauth/accounts': { req: Empty; res: { accounts: readonly OAuthAccountView[] } };
  /** Signs in to the provider (its window) for what the sites using it need; options page only. */
  'oauth/sign-in': { req: { provider: OAuthProvider }; res: { accounts: readonly OAuthAccountView[] } };
  /** Forgets the provider's tokens and revokes the grant where the provider allows it. */
  'oauth/sign-out': {
    req: { provider: OAuthProvider };
    res: { accounts: readonly OAuthAccountView[]; revocation: RevocationOutcome; detail?: string };
  };
};

export type RuntimeCommand = keyof RuntimeProtocol;
export type Req<K extends RuntimeCommand> = RuntimeProtocol[K]['req'];
export type Res<K extends RuntimeCommand> = RuntimeProtocol[K]['res'];

export type RuntimeSend = <K extends RuntimeCommand>(type: K, req: Req<K>) => Promise<Res<K>>;
