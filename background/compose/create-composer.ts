import type { RecipientView } from '../../src/protocol/runtime';
import type { AddressBook } from '../address-book/address-book';
import type { HostDirectory } from '../directory/host-directory';
import type { Identities } from '../identities';
import type { KeyUses } from '../key-uses';
import type { CertificateValidation } from '../pki/certificate-validation';
import type { PolicyStore } from '../policy-store';
import { buildSecureMessage } from './build-secure-message';
import type { Composer } from './composer';
import { lookupContext, resolveRecipient } from './recipient-lookup';

export interface ComposerDeps {
  readonly policy: PolicyStore;
  readonly addressBook: AddressBook;
  readonly identities: Identities;
  readonly validation: CertificateValidation;
  /** The organisation directory (B6 steps 2–3, B1 aliases); absent where there is no native host. */
  readonly directory?: HostDirectory;
  readonly crypto: Crypto;
  /** Where a signing is registered while it runs, for the PIN page to name. */
  readonly keyUses: KeyUses;
  /** The time certificates are checked at and the Date written; tests fix it. */
  readonly now?: () => Date;
}

export function createComposer(deps: ComposerDeps): Composer {
  return {
    async recipients(addresses) {
      const { policy } = await deps.policy.view();
      const now = deps.now?.() ?? new Date();
      const context = lookupContext(deps, policy, now);
      // The same address typed twice is looked up once; the page gets an answer for each entry.
      const unique = [...new Set(addresses)];
      const views = new Map(await Promise.all(unique.map(async (address) => [address, (await resolveRecipient(address, context)).view] as const)));
      return addresses.map((address) => views.get(address) as RecipientView);
    },
    build: (request) => {
      if (!request.sign) return buildSecureMessage(deps, request);
      const recipients = [...request.to, ...request.cc, ...request.bcc];
      return deps.keyUses.during({ operation: 'sign', subject: request.subject, recipients }, () => buildSecureMessage(deps, request));
    },
  };
}
