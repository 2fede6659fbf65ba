/**
 * The enterprise policy of BEHAVIOURS.md ("Policy"): every key, its type and its
 * documented default. Admins set keys through managed storage; users through the options
 * page; `merge.ts` decides which wins.
 */

/** Content-encryption algorithms Cachet may write (B8). 3DES and others are read-only. */
export const encryptionAlgorithmNames = ['aes256-gcm', 'aes128-gcm', 'aes256-cbc', 'aes192-cbc', 'aes128-cbc'] as const;
export type EncryptionAlgorithm = (typeof encryptionAlgorithmNames)[number];

/** Digests for new signatures (B12). SHA-1 is absent on purpose: never for new signatures. */
export const signingAlgorithmNames = ['sha256', 'sha384', 'sha512'] as const;
export type SigningAlgorithm = (typeof signingAlgorithmNames)[number];

export const directoryScopes = ['base', 'one', 'sub'] as const;
export type DirectoryScope = (typeof directoryScopes)[number];

/**
 * The organisation directory of B6 steps 2 and 3, searched through the native host for
 * each recipient: entries whose object classes say people come before contacts, and
 * within each the certificate attributes in order.
 */
export interface DirectoryPolicy {
  /** `ldap://` or `ldaps://` URL of the server, without a DN or query. */
  readonly url: string;
  /** StartTLS on an `ldap://` connection before anything else is said. */
  readonly startTls: boolean;
  /** The DN to bind as with a password Cachet asks for once; null binds anonymously. */
  readonly bindDn: string | null;
  readonly baseDn: string;
  readonly scope: DirectoryScope;
  /** RFC 4515 filter; `{address}` stands for the recipient's address, escaped. */
  readonly filter: string;
  /** Object classes of people's entries (B6 step 2). */
  readonly personClasses: readonly string[];
  /** Object classes of contact entries (B6 step 3). */
  readonly contactClasses: readonly string[];
  /** Attributes read for certificates, in order (B6). */
  readonly attributes: readonly string[];
  /** Time limit of one search, connection and bind included. */
  readonly timeoutMs: number;
  /** Most entries one search returns; a recipient matching more is an odd directory. */
  readonly sizeLimit: number;
  /** How long an answer is reused for the same address; 0 asks every time. */
  readonly cacheSeconds: number;
}

/** A mail server of a webmail's account: STARTTLS on a plain port, or TLS from the first byte. */
export interface MailServerPolicy {
  readonly host: string;
  readonly port: number;
  readonly security: 'starttls' | 'tls';
}

/**
 * The mail account behind one webmail origin: secure compose submits through its SMTP
 * server and keeps the copy in its Sent folder over IMAP, through the native host.
 */
export interface MailAccountPolicy {
  readonly origin: string;
  readonly imap: MailServerPolicy;
  readonly smtp: MailServerPolicy;
  /** The login name; null asks the user with the password. */
  readonly user: string | null;
}

/**
 * How a webmail's messages are sent and fetched (background/transports/): through the
 * native host's SMTP and IMAP (`mailAccounts`), the Gmail API, Microsoft Graph, or a
 * JMAP server (RFC 8620/8621).
 */
export const transportNames = ['host-mail', 'gmail', 'graph', 'jmap'] as const;
export type TransportName = (typeof transportNames)[number];

/** Which transport sends a site's secure mail and which fetches its raw messages. */
export interface SiteTransportPolicy {
  readonly origin: string;
  readonly send: TransportName;
  readonly fetch: TransportName;
  /**
   * The JMAP session resource (RFC 8620 §2), or the server's origin, where
   * `/.well-known/jmap` leads to it (§2.2); set exactly when send or fetch is jmap.
   */
  readonly jmapUrl: string | null;
  /** The JMAP login name; null asks the user with the password. */
  readonly jmapUser: string | null;
}

/** An OAuth client registered with Google for the Gmail API. */
export interface GoogleClientPolicy {
  readonly clientId: string;
  /**
   * Google's token endpoint asks web-application clients for their secret even with PKCE.
   * In an extension it is no secret (anyone can read it from the package); null for
   * client types that need none.
   */
  readonly clientSecret: string | null;
}

/** An app registered with Microsoft Entra ID for Microsoft Graph. */
export interface MicrosoftClientPolicy {
  readonly clientId: string;
  /** A tenant id or domain, or `common`, `organizations` or `consumers`. */
  readonly tenant: string;
}

/** The OAuth clients Cachet signs in with, for the transports that need one. */
export interface OAuthClientsPolicy {
  readonly google: GoogleClientPolicy | null;
  readonly microsoft: MicrosoftClientPolicy | null;
}

export interface Policy {
  /** B12: multipart/signed (true) or opaque signed-data (false). */
  readonly clearSign: boolean;
  /** B16: sign, encrypt, sign again (true) or sign then encrypt (false). */
  readonly tripleWrap: boolean;
  /** Compose starts with signing switched on. */
  readonly alwaysSign: boolean;
  /** Compose starts encrypted, and recipients without a usable certificate block sending (B7). */
  readonly alwaysEncrypt: boolean;
  /** B8: acceptable content-encryption algorithms, most preferred first. */
  readonly encryptionAlgorithms: readonly EncryptionAlgorithm[];
  /** B12: digest algorithms for new signatures, most preferred first. */
  readonly signingAlgorithms: readonly SigningAlgorithm[];
  /** B10: skip CRL checks altogether. Insecure; for PKIs whose CRLs cannot be reached (B20). */
  readonly disableCrlCheck: boolean;
  /** B10: when no CRL can be had, go ahead but show an error (instead of silently). */
  readonly checkCrl: boolean;
  /** B10: time limit for fetching one revocation URL. */
  readonly revocationUrlRetrievalTimeoutMs: number;
  /** B10: time limit for all certificate URL fetches of one operation. */
  readonly certUrlRetrievalTimeoutMs: number;
  /** B4: consider only certificates on a hardware token for the user's own keys. */
  readonly smartCardOnly: boolean;
  /** B1: do not try the user's other addresses (aliases) when matching certificates. */
  readonly certMatchingDoNotUseProxies: boolean;
  /** B18: add intermediates (never the root) to signatures. */
  readonly includeCertificateChain: boolean;
  /** Add the root as well; off because a root in a message proves nothing. */
  readonly includeRootCertificate: boolean;
  /** B6: the LDAP directory, or null for none. */
  readonly directory: DirectoryPolicy | null;
  /** B11: trust anchors beyond the browser's, as base64 DER certificates. */
  readonly trustedRoots: readonly string[];
  /** B11: certificates marked untrusted, as lowercase hex SHA-256 fingerprints. */
  readonly untrustedCertificates: readonly string[];
  /** Webmail origins Cachet may be enabled on; empty means any origin the user grants. */
  readonly allowedWebmailOrigins: readonly string[];
  /** The mail account of each webmail origin secure compose sends through. */
  readonly mailAccounts: readonly MailAccountPolicy[];
  /** Per webmail origin, the transports that send and fetch; a site not listed uses host-mail both ways. */
  readonly siteTransports: readonly SiteTransportPolicy[];
  /** The OAuth clients for the Gmail API and Microsoft Graph. */
  readonly oauthClients: OAuthClientsPolicy;
}

export type PolicyKey = keyof Policy;

export const defaultDirectoryAttributes: readonly string[] = ['userCertificate;binary', 'userSMIMECertificate'];

/**
 * What a directory policy that names only its URL and base gets: `mail` of OpenLDAP's
 * inetOrgPerson, and Active Directory's proxyAddresses and otherMailbox, where aliases live.
 */
export const defaultDirectorySettings: Omit<DirectoryPolicy, 'url' | 'baseDn'> = Object.freeze({
  startTls: false,
  bindDn: null,
  scope: 'sub',
  filter: '(|(mail={address})(proxyAddresses=smtp:{address})(otherMailbox={address}))',
  personClasses: ['person', 'inetOrgPerson', 'user'],
  contactClasses: ['contact'],
  attributes: defaultDirectoryAttributes,
  timeoutMs: 5000,
  sizeLimit: 20,
  cacheSeconds: 3600,
});

export const defaultPolicy: Policy = Object.freeze<Policy>({
  clearSign: true,
  tripleWrap: true,
  alwaysSign: false,
  alwaysEncrypt: false,
  // DESIGN.md, Choices: AES-GCM where every recipient announced it, else AES-256-CBC.
  encryptionAlgorithms: ['aes256-gcm', 'aes256-cbc'],
  signingAlgorithms: ['sha256'],
  disableCrlCheck: false,
  checkCrl: false,
  revocationUrlRetrievalTimeoutMs: 60_000,
  certUrlRetrievalTimeoutMs: 10_000,
  smartCardOnly: false,
  certMatchingDoNotUseProxies: false,
  // Cachet departs from the original default (false): the chain fixes most interop failures.
  includeCertificateChain: true,
  includeRootCertificate: false,
  directory: null,
  trustedRoots: [],
  untrustedCertificates: [],
  allowedWebmailOrigins: [],
  mailAccounts: [],
  siteTransports: [],
  oauthClients: Object.freeze({ google: null, microsoft: null }),
});

/** Every key, in the order the options page shows them. */
export const policyKeys: readonly PolicyKey[] = Object.keys(defaultPolicy) as PolicyKey[];

export function isPolicyKey(value: string): value is PolicyKey {
  return Object.prototype.hasOwnProperty.call(defaultPolicy, value);
}

/** Limits for the two timeouts: long enough for a slow CRL, short enough not to hang a send. */
export const timeoutRangeMs = { min: 100, max: 600_000 } as const;
