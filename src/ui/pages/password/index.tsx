/**
 * A mail account's password, or the organisation directory's bind password, asked in a
 * window of Cachet's own (never in the webmail, never framed). The background opens it
 * with the prompt id in the fragment when the native host has no password for the
 * account or directory, or the server refused the last one; the page says which it is
 * for. The answer goes to the background, which hands it to the native host and nowhere
 * else.
 */
import '../../styles/base.css';
import { render } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { useRequest } from '../../components/use-request';
import type { MessageKey, PagePlatform } from '../../platform';
import type { PasswordPurpose } from '../../../protocol/runtime';
import { cancelOnLeave, type LeaveGuard } from '../../components/cancel-on-leave';

/** The page's words for each purpose. */
const wording: Readonly<Record<PasswordPurpose, { readonly title: MessageKey; readonly for: MessageKey; readonly failed: MessageKey; readonly user: MessageKey }>> = {
  'mail-account': { title: 'passwordTitle', for: 'passwordFor', failed: 'passwordFailed', user: 'mailAccountUser' },
  directory: { title: 'passwordDirectoryTitle', for: 'passwordDirectoryFor', failed: 'passwordDirectoryFailed', user: 'passwordDirectoryUser' },
};

function PasswordPrompt({ platform, promptId }: { platform: PagePlatform; promptId: string }) {
  const { send, t } = platform;
  const id = useId();
  const info = useRequest(() => send('password/info', { promptId }));
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [announcement, setAnnouncement] = useState<Announcement>();
  const field = useRef<HTMLInputElement>(null);
  const leaving = useRef<LeaveGuard | undefined>(undefined);
  const known = info.state.status === 'ready' ? info.state.value : undefined;

  useEffect(() => {
    if (known) {
      setUser(known.user ?? '');
      document.title = t(wording[known.purpose].title);
      field.current?.focus();
    }
  }, [known]);

  useEffect(() => {
    if (!known) return undefined;
    const guard = cancelOnLeave(window, () => void send('password/cancel', { promptId }).catch(() => undefined));
    leaving.current = guard;
    return () => guard.dispose();
  }, [known]);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (password === '' || user.trim() === '' || busy) return;
    setBusy(true);
    leaving.current?.answering(true);
    try {
      await send('password/provide', { promptId, answer: { user: user.trim(), password, remember } });
      setPassword('');
      platform.closeWindow();
    } catch (error) {
      leaving.current?.answering(false);
      setAnnouncement({ kind: 'error', text: errorText(error) });
      setBusy(false);
    }
  }

  async function cancel(): Promise<void> {
    leaving.current?.answering(true);
    try {
      await send('password/cancel', { promptId });
    } finally {
      platform.closeWindow();
    }
  }

  if (info.state.status === 'loading') return <main><p>{t('loading')}</p></main>;
  if (!known) {
    return (
      <main>
        <h1>{t('passwordTitle')}</h1>
        <p role="alert" data-password-state="closed">{t('passwordNoRequest')}</p>
      </main>
    );
  }
  const words = wording[known.purpose];
  return (
    <main class="prompt" data-password-purpose={known.purpose}>
      <h1>{t(words.title)}</h1>
      <p id={`${id}-for`}>{t(words.for, [known.site, known.user ?? ''])}</p>
      {known.failed && <p class="bad" id={`${id}-failed`} role="alert">{t(words.failed)}</p>}
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for={`${id}-user`}>{t(words.user)}</label>
          <input id={`${id}-user`} type="text" autocomplete="username" spellcheck={false} value={user} disabled={busy || known.user !== null}
            onInput={(e) => setUser(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={id}>{t('passwordLabel')}</label>
          <input id={id} ref={field} type="password" autocomplete="current-password" spellcheck={false} value={password} disabled={busy}
            aria-describedby={known.failed ? `${id}-for ${id}-failed` : `${id}-for`} onInput={(e) => setPassword(e.currentTarget.value)} />
        </div>
        <div class="field">
          <input id={`${id}-remember`} type="checkbox" checked={remember} disabled={busy} onChange={(e) => setRemember(e.currentTarget.checked)} />
          <label for={`${id}-remember`}>{t('passwordRemember')}</label>
        </div>
        <div class="actions">
          <button type="submit" disabled={busy || password === '' || user.trim() === ''}>{t('passwordSubmit')}</button>
          <button type="button" onClick={() => void cancel()} disabled={busy}>{t('cancel')}</button>
        </div>
      </form>
      <Announcer announcement={announcement} />
    </main>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('passwordTitle');
  const promptId = decodeURIComponent(location.hash.slice(1));
  render(<PasswordPrompt platform={platform} promptId={promptId} />, root);
}
