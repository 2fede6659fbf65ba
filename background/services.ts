import type { ContentEvent } from '../src/protocol/content-events';
import type { NativeStatus } from '../src/protocol/runtime';
import type { AddressBook } from './address-book/address-book';
import type { ComposeFrames } from './compose-frames';
import type { Composer } from './compose/composer';
import type { DefaultIdentity } from './default-identity';
import type { Identities } from './identities';
import type { OAuthAccounts } from './oauth/oauth-accounts';
import type { PageSourceFetch } from './page-source';
import type { PasswordPrompts } from './password-prompts';
import type { PinPrompts } from './pin-prompts';
import type { PolicyStore } from './policy-store';
import type { PendingRead, Reader } from './reader/reader';
import type { ReaderFrames } from './reader-frames';
import type { SecurityIndicatorStore } from './security-indicator-store';
import type { SiteAccess } from './site-access';
import type { MailTransport } from './transports/transport';
import type { TrustLists } from './trust-lists';

/** What handlers work with; main.ts builds it from the platform, tests from fakes. */
export interface BackgroundServices {
  readonly policy: PolicyStore;
  readonly addressBook: AddressBook;
  readonly trust: TrustLists;
  readonly pins: PinPrompts;
  readonly readerFrames: ReaderFrames<PendingRead>;
  readonly nativeStatus: () => Promise<NativeStatus>;
  readonly identities: Identities;
  readonly defaultIdentity: DefaultIdentity;
  readonly reader: Reader;
  readonly composer: Composer;
  readonly indicator: SecurityIndicatorStore;
  readonly composeFrames: ComposeFrames;
  /** A message's raw source from the webmail, with its session (page-source.ts), prefetched or not. */
  readonly pageSource: PageSourceFetch;
  /** Starts fetching a source the reader will ask for (prefetched-sources.ts). */
  readonly prefetchSource: (origin: string, url: string) => void;
  readonly transport: MailTransport;
  /** The OAuth providers' clients and sign-ins, for the options page. */
  readonly oauthAccounts: OAuthAccounts;
  readonly passwords: PasswordPrompts;
  readonly siteAccess: SiteAccess;
  /** Tells one frame of a webmail tab's content script what happened (content-events.ts). */
  readonly notifyTab: (tabId: number, frameId: number, event: ContentEvent) => Promise<void>;
}
