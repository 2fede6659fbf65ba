/**
 * The options page: native host status with its fix, the user's own certificates with
 * the default signing identity, the mail providers' sign-ins, the policy with managed keys
 * locked, trust anchors and untrusted certificates, and the address book.
 */
import '../../styles/base.css';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import type { PolicyKey } from '../../../policy';
import { originPattern } from '../../../policy/host-permissions';
import type { TrustList } from '../../../protocol/runtime';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { NativeStatusView } from '../../components/native-status-view';
import { useRequest } from '../../components/use-request';
import type { PagePlatform } from '../../platform';
import { AddressBookSection } from './address-book-section';
import { IdentitiesSection } from './identities-section';
import { OAuthAccountsSection } from './oauth-accounts-section';
import { PolicySection } from './policy-section';
import { SecurityIndicatorSection } from './security-indicator-section';
import { TrustSection } from './trust-section';

/** After a row disappears, focus goes to its section heading rather than to the page top. */
function focusHeading(id: string): void {
  document.getElementById(id)?.focus();
}

function Options({ platform }: { platform: PagePlatform }) {
  const { send, t } = platform;
  const native = useRequest(() => send('native/status', {}));
  const policy = useRequest(() => send('policy/get', {}));
  const trust = useRequest(() => send('trust/list', {}));
  const book = useRequest(() => send('address-book/list', {}));
  const identities = useRequest(() => send('identities/list', {}));
  const [announcement, setAnnouncement] = useState<Announcement>();

  const say = (text: string) => setAnnouncement({ kind: 'info', text });
  const fail = (error: unknown) => setAnnouncement({ kind: 'error', text: typeof error === 'string' ? error : errorText(error) });

  async function attempt(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      fail(error);
    }
  }

  const savePolicy = (key: PolicyKey, value: unknown, serviceOrigins: readonly string[] = []) => {
    // Asked before anything is awaited: the browser shows its prompt only in the click.
    const access = serviceOrigins.length > 0 ? platform.requestHostAccess(serviceOrigins.map(originPattern)).catch(() => false) : Promise.resolve(true);
    return attempt(async () => {
      policy.set(await send('policy/set-user', { key, value }));
      if (await access) say(t('saved'));
      else fail(t('siteTransportsAccessRefused', serviceOrigins.join(', ')));
    });
  };
  const resetPolicy = (key: PolicyKey) => attempt(async () => {
    focusHeading('policy-heading');
    policy.set(await send('policy/reset-user', { key }));
    say(t('policyResetDone'));
  });
  const addTrust = (list: TrustList, file: { name: string; base64: string }) => attempt(async () => {
    trust.set(await send('trust/add', { list, data: file.base64 }));
    policy.reload();
    say(t('trustAdded', file.name));
  });
  const removeTrust = (list: TrustList, fingerprint: string) => attempt(async () => {
    focusHeading('trust-heading');
    trust.set(await send('trust/remove', { list, fingerprint }));
    policy.reload();
    say(t('trustRemoved'));
  });
  const importCertificates = (file: { name: string; base64: string }) => attempt(async () => {
    const result = await send('address-book/import', { fileName: file.name, data: file.base64 });
    book.set(await send('address-book/list', {}));
    say(t('addressBookImported_result', [String(result.added.length), String(result.alreadyPresent)]));
  });
  const chooseIdentity = (id: string) => attempt(async () => {
    identities.set(await send('identities/set-default', { id }));
    say(t('saved'));
  });
  const removeEntry = (entry: { fingerprint: string }) => attempt(async () => {
    await send('address-book/delete', { fingerprint: entry.fingerprint });
    // Focus leaves the removed row's button for the section heading, which stays mounted.
    focusHeading('address-book-heading');
    book.set(await send('address-book/list', {}));
    say(t('addressBookDeleted'));
  });

  const locked = policy.state.status === 'ready' ? policy.state.value.locked : [];
  return (
    <main>
      <h1>{t('optionsTitle')}</h1>
      <Announcer announcement={announcement} />
      <section aria-labelledby="native-heading">
        <h2 id="native-heading">{t('nativeHeading')}</h2>
        <NativeStatusView state={native.state} pending={native.pending} t={t} onRecheck={native.reload} />
      </section>
      <SecurityIndicatorSection send={send} t={t} say={say} fail={fail} />
      {identities.state.status === 'ready'
        ? <IdentitiesSection list={identities.state.value} t={t} choose={chooseIdentity} />
        : <p>{identities.state.status === 'failed' ? `${t('identitiesHeading')}: ${identities.state.message}` : t('loading')}</p>}
      {/* Keyed on the settings it reads, so a changed client or site choice shows at once. */}
      {policy.state.status === 'ready' && (
        <OAuthAccountsSection key={JSON.stringify([policy.state.value.policy.oauthClients, policy.state.value.policy.siteTransports])} send={send} t={t} />
      )}
      {policy.state.status === 'ready'
        ? <PolicySection view={policy.state.value} t={t} save={savePolicy} reset={resetPolicy} />
        : <p>{policy.state.status === 'failed' ? policy.state.message : t('loading')}</p>}
      {trust.state.status === 'ready'
        ? <TrustSection view={trust.state.value} lockedRoots={locked.includes('trustedRoots')} lockedUntrusted={locked.includes('untrustedCertificates')}
            t={t} add={addTrust} remove={removeTrust} onError={fail} />
        : <p>{trust.state.status === 'failed' ? trust.state.message : t('loading')}</p>}
      {book.state.status === 'ready'
        ? <AddressBookSection entries={book.state.value.entries} t={t} importFile={importCertificates} remove={removeEntry} onError={fail} />
        : <p>{book.state.status === 'failed' ? book.state.message : t('loading')}</p>}
    </main>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('optionsTitle');
  render(<Options platform={platform} />, root);
}
