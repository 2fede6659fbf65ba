/**
 * The toolbar popup: is the native host there, what does policy switch on, and the way
 * into the reader, compose and the options.
 */
import '../../styles/base.css';
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { NativeStatusView } from '../../components/native-status-view';
import { useRequest } from '../../components/use-request';
import type { CachetPage, PagePlatform } from '../../platform';
import { SiteSection } from './site-section';

function Popup({ platform }: { platform: PagePlatform }) {
  const { send, t } = platform;
  const native = useRequest(() => send('native/status', {}));
  const policy = useRequest(() => send('policy/get', {}));
  const [announcement, setAnnouncement] = useState<Announcement>();

  function open(page: CachetPage): void {
    platform.openPage(page).then(
      () => platform.closeWindow(),
      (error: unknown) => setAnnouncement({ kind: 'error', text: errorText(error) }),
    );
  }

  const onOff = (on: boolean) => t(on ? 'popupOn' : 'popupOff');
  return (
    <main class="popup">
      <h1>{t('popupTitle')}</h1>
      <h2>{t('popupSiteHeading')}</h2>
      <SiteSection platform={platform} />
      <h2>{t('nativeHeading')}</h2>
      <NativeStatusView state={native.state} pending={native.pending} t={t} />
      <h2>{t('popupPolicyHeading')}</h2>
      {policy.state.status === 'ready' ? (
        <ul>
          <li>{t('popupSignByDefault', onOff(policy.state.value.policy.alwaysSign))}</li>
          <li>{t('popupEncryptByDefault', onOff(policy.state.value.policy.alwaysEncrypt))}</li>
          {policy.state.value.locked.length > 0 && <li data-locked-count={policy.state.value.locked.length}>{t('popupLockedCount', String(policy.state.value.locked.length))}</li>}
        </ul>
      ) : (
        <p>{policy.state.status === 'failed' ? policy.state.message : t('loading')}</p>
      )}
      <div class="actions">
        <button type="button" onClick={() => open('reader')}>{t('popupOpenReader')}</button>
        <button type="button" class="primary" onClick={() => open('compose')}>{t('popupOpenCompose')}</button>
        <button type="button" onClick={() => open('options')}>{t('popupOpenOptions')}</button>
      </div>
      <Announcer announcement={announcement} />
    </main>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('popupTitle');
  render(<Popup platform={platform} />, root);
}
