import { CachetError } from '../../src/errors';
import type { PolicyStore } from '../policy-store';
import type { AddressBook } from '../address-book/address-book';
import type { Identities } from '../identities';
import type { CertificateValidation } from '../pki/certificate-validation';
import type { Composer } from './composer';

export interface ComposerDeps {
  readonly policy: PolicyStore;
  readonly addressBook: AddressBook;
  readonly identities: Identities;
  readonly validation: CertificateValidation;
  readonly crypto: Crypto;
}

export function createComposer(_deps: ComposerDeps): Composer {
  const unavailable = () => Promise.reject(new CachetError('input/invalid', 'compose is not available in this build'));
  return { recipients: unavailable, build: unavailable };
}
