import type { Handlers } from '../handler';
import type { BackgroundServices } from '../services';
import { addressBookDelete } from './address-book-delete';
import { addressBookImport } from './address-book-import';
import { addressBookList } from './address-book-list';
import { addressStatus } from './address-status';
import { composeBuild } from './compose-build';
import { composeClose } from './compose-close';
import { composeOpenFrame } from './compose-open-frame';
import { composeSend } from './compose-send';
import { composeRecipients } from './compose-recipients';
import { frameOpenCompose } from './frame-open-compose';
import { frameOpenReader } from './frame-open-reader';
import { framePrefetchSource } from './frame-prefetch-source';
import { identitiesList } from './identities-list';
import { identitiesSetDefault } from './identities-set-default';
import { indicatorGet } from './indicator-get';
import { indicatorSet } from './indicator-set';
import { nativeStatus } from './native-status';
import { oauthAccounts } from './oauth-accounts';
import { oauthSignIn } from './oauth-sign-in';
import { oauthSignOut } from './oauth-sign-out';
import { passwordCancel } from './password-cancel';
import { passwordInfo } from './password-info';
import { passwordProvide } from './password-provide';
import { pinCancel } from './pin-cancel';
import { pinInfo } from './pin-info';
import { pinProvide } from './pin-provide';
import { policyGet } from './policy-get';
import { policyResetUser } from './policy-reset-user';
import { policySetUser } from './policy-set-user';
import { readerAttachment } from './reader-attachment';
import { readerOpen } from './reader-open';
import { readerOpenFrame } from './reader-open-frame';
import { readerValidation } from './reader-validation';
import { siteDisable } from './site-disable';
import { siteEnable } from './site-enable';
import { siteStatus } from './site-status';
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
    'frame/prefetch-source': framePrefetchSource(services),
    'frame/open-compose': frameOpenCompose(services),
    'compose/open-frame': composeOpenFrame(services),
    'compose/send': composeSend(services),
    'compose/close': composeClose(services),
    'password/info': passwordInfo(services),
    'password/provide': passwordProvide(services),
    'password/cancel': passwordCancel(services),
    'site/status': siteStatus(services),
    'site/enable': siteEnable(services),
    'site/disable': siteDisable(services),
    'trust/list': trustList(services),
    'trust/add': trustAdd(services),
    'trust/remove': trustRemove(services),
    'pin/info': pinInfo(services),
    'pin/provide': pinProvide(services),
    'pin/cancel': pinCancel(services),
    'identities/list': identitiesList(services),
    'identities/set-default': identitiesSetDefault(services),
    'reader/open': readerOpen(services),
    'reader/open-frame': readerOpenFrame(services),
    'reader/validation': readerValidation(services),
    'reader/attachment': readerAttachment(services),
    'compose/recipients': composeRecipients(services),
    'compose/build': composeBuild(services),
    'indicator/get': indicatorGet(services),
    'indicator/set': indicatorSet(services),
    'oauth/accounts': oauthAccounts(services),
    'oauth/sign-in': oauthSignIn(services),
    'oauth/sign-out': oauthSignOut(services),
  };
}
