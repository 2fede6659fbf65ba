/**
 * The runtime message map between extension pages, content scripts and the background
 * (DESIGN.md invariant 3, STYLE.md "one typed map per boundary"). Both sides import it,
 * so requests and responses cannot drift; `runtime-requests.ts` checks each request on
 * receipt, and `runtime-envelope.ts` carries errors as a code and a message.
 */
import type { Policy, PolicyKey } from '../policy';
import type { PinStatus } from './native';

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

export interface PinPromptInfo {
  /** The token (smart card) the PIN is for, as the native host names it. */
  readonly tokenLabel: string;
  readonly tokenSerial: string;
  /** Remaining-tries flags, so the page can warn before the last try. */
  readonly pin: PinStatus;
}

export interface PinResult {
  readonly result: 'accepted' | 'incorrect' | 'locked';
  readonly pin: PinStatus;
}

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
  'frame/open-reader': { req: { messageId: string }; res: { url: string } };
  'trust/list': { req: Empty; res: TrustView };
  'trust/add': { req: { list: TrustList; data: string }; res: TrustView };
  'trust/remove': { req: { list: TrustList; fingerprint: string }; res: TrustView };
  /** The PIN page asks what the prompt it was opened for is about (`promptId` from its URL). */
  'pin/info': { req: { promptId: string }; res: PinPromptInfo };
  /** Forwarded to the native host's `pin/provide`; the only way a PIN leaves a Cachet page. */
  'pin/provide': { req: { promptId: string; pin: string }; res: PinResult };
  'pin/cancel': { req: { promptId: string }; res: Empty };
};

export type RuntimeCommand = keyof RuntimeProtocol;
export type Req<K extends RuntimeCommand> = RuntimeProtocol[K]['req'];
export type Res<K extends RuntimeCommand> = RuntimeProtocol[K]['res'];

export type RuntimeSend = <K extends RuntimeCommand>(type: K, req: Req<K>) => Promise<Res<K>>;
