import type { Handlers } from '../handler';
import type { BackgroundServices } from '../services';
import { addressBookDelete } from './address-book-delete';
import { addressBookImport } from './address-book-import';
import { addressBookList } from './address-book-list';
import { addressStatus } from './address-status';
import { frameOpenReader } from './frame-open-reader';
import { nativeStatus } from './native-status';
import { pinCancel } from './pin-cancel';
import { pinInfo } from './pin-info';
import { pinProvide } from './pin-provide';
import { policyGet } from './policy-get';
import { policyResetUser } from './policy-reset-user';
import { policySetUser } from './policy-set-user';
import { trustAdd } from './trust-add';
import { trustList } from './trust-list';
import { trustRemove } from './trust-remove';

/** Every command of the runtime map has exactly one handler; the type makes a gap a compile error. */
export function createHandlers(services: BackgroundServices): Handlers {
  return {
    'policy/get': policyGet(services),
    'policy/set-user': policySetUser(services),
    'policy/reset-user': policyResetUser(services),
    'native/status': nativeStatus(services),
    'address-book/list': addressBookList(services),
    'address-book/import': addressBookImport(services),
    'address-book/delete': addressBookDelete(services),
    'address/status': addressStatus(services),
    'frame/open-reader': frameOpenReader(services),
    'trust/list': trustList(services),
    'trust/add': trustAdd(services),
    'trust/remove': trustRemove(services),
    'pin/info': pinInfo(services),
    'pin/provide': pinProvide(services),
    'pin/cancel': pinCancel(services),
  };
}
