/** What a connection to one mail server needs: where, who, which CAs, and how long to wait. */
import type { MailServerSettings } from '../../src/protocol/native';
import type { MailTimeouts } from './mail-timeouts';

export interface MailServerAccess {
  readonly server: MailServerSettings;
  readonly user: string;
  readonly password: string;
  /** PEM certificates trusted besides Node's roots. */
  readonly trustedRoots: readonly string[];
  readonly timeouts: MailTimeouts;
}
