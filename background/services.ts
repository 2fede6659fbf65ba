import type { NativeStatus } from '../src/protocol/runtime';
import type { AddressBook } from './address-book/address-book';
import type { Composer } from './compose/composer';
import type { DefaultIdentity } from './default-identity';
import type { Identities } from './identities';
import type { PinPrompts } from './pin-prompts';
import type { PolicyStore } from './policy-store';
import type { Reader } from './reader/reader';
import type { ReaderFrames } from './reader-frames';
import type { SecurityIndicatorStore } from './security-indicator-store';
import type { TrustLists } from './trust-lists';

/** What handlers work with; main.ts builds it from the platform, tests from fakes. */
export interface BackgroundServices {
  readonly policy: PolicyStore;
  readonly addressBook: AddressBook;
  readonly trust: TrustLists;
  readonly pins: PinPrompts;
  readonly readerFrames: ReaderFrames;
  readonly nativeStatus: () => Promise<NativeStatus>;
  readonly identities: Identities;
  readonly defaultIdentity: DefaultIdentity;
  readonly reader: Reader;
  readonly composer: Composer;
  readonly indicator: SecurityIndicatorStore;
}
