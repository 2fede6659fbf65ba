/**
 * The PIN prompt (B19): the only place a PIN is typed. The native host asks for a PIN,
 * the background opens this page with the prompt id in the fragment, and the PIN goes to
 * the background, which hands it to the native host and nowhere else.
 */
import '../../styles/base.css';
import { render } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { cancelOnLeave, type LeaveGuard } from '../../components/cancel-on-leave';
import type { KeyUsePurpose, PinPromptInfo } from '../../../protocol/runtime';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { useRequest } from '../../components/use-request';
import type { PagePlatform, Translate } from '../../platform';

function pinWarnings(info: PinPromptInfo['pin'], t: Translate): string | undefined {
  if (info.locked) return t('pinLocked');
  if (info.finalTry) return t('pinFinalTry');
  if (info.countLow) return t('pinCountLow');
  return undefined;
}

function PinPrompt({ platform, promptId }: { platform: PagePlatform; promptId: string }) {
  const { send, t } = platform;
  const id = useId();
  const info = useRequest(() => send('pin/info', { promptId }));
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [announcement, setAnnouncement] = useState<Announcement>();
  const field = useRef<HTMLInputElement>(null);

  const leaving = useRef<LeaveGuard | undefined>(undefined);

  useEffect(() => {
    if (info.state.status === 'ready') field.current?.focus();
  }, [info.state.status]);

  useEffect(() => {
    if (info.state.status !== 'ready') return undefined;
    const guard = cancelOnLeave(window, () => void send('pin/cancel', { promptId }).catch(() => undefined));
    leaving.current = guard;
    return () => guard.dispose();
  }, [info.state.status]);

  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (pin === '' || busy) return;
    setBusy(true);
    leaving.current?.answering(true);
    try {
      const result = await send('pin/provide', { promptId, pin });
      setPin('');
      // A wrong PIN keeps the prompt open: leaving it now would be a cancel again.
      if (result.result !== 'accepted') leaving.current?.answering(false);
      if (result.result === 'accepted') {
        setDone(true);
        setAnnouncement({ kind: 'info', text: t('pinAccepted') });
        platform.closeWindow();
      } else if (result.result === 'locked') {
        setDone(true);
        setAnnouncement({ kind: 'error', text: t('pinLocked') });
      } else {
        setAnnouncement({ kind: 'error', text: [t('pinIncorrect'), pinWarnings(result.pin, t)].filter(Boolean).join(' ') });
        field.current?.focus();
      }
    } catch (error) {
      leaving.current?.answering(false);
      setPin('');
      setAnnouncement({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  async function cancel(): Promise<void> {
    leaving.current?.answering(true);
    try {
      await send('pin/cancel', { promptId });
    } finally {
      platform.closeWindow();
    }
  }

  if (info.state.status === 'loading') return <main><p>{t('loading')}</p></main>;
  if (info.state.status === 'failed') {
    return (
      <main>
        <h1>{t('pinTitle')}</h1>
        <p role="alert" data-pin-state="closed">{t('pinNoRequest')}</p>
      </main>
    );
  }
  const warning = pinWarnings(info.state.value.pin, t);
  return (
    <main class="prompt">
      <h1>{t('pinTitle')}</h1>
      <p id={`${id}-for`}>{t('pinFor', info.state.value.tokenLabel)}</p>
      <Purposes purposes={info.state.value.purposes} id={`${id}-purposes`} t={t} />
      {warning && <p class="bad" id={`${id}-warn`}>{warning}</p>}
      <form onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for={id}>{t('pinLabel')}</label>
          <input id={id} ref={field} type="password" autocomplete="off" spellcheck={false} value={pin} disabled={busy || done}
            aria-describedby={warning ? `${id}-for ${id}-purposes ${id}-warn` : `${id}-for ${id}-purposes`} onInput={(e) => setPin(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit" disabled={busy || done || pin === ''}>{t('pinSubmit')}</button>
          <button type="button" onClick={() => void cancel()} disabled={busy}>{t('cancel')}</button>
        </div>
      </form>
      <Announcer announcement={announcement} />
    </main>
  );
}

/**
 * What the card is being unlocked for, so the user can refuse a PIN that does not match
 * what they just did: a page cannot get the card to sign or decrypt something else unseen.
 */
function Purposes({ purposes, id, t }: { purposes: readonly KeyUsePurpose[]; id: string; t: Translate }) {
  return (
    <div class="pin-purposes" id={id}>
      <p>{t('pinPurposeLead')}</p>
      <ul>
        {purposes.map((purpose, i) => {
          const subject = purpose.subject || t('pinPurposeNoSubject');
          const text = purpose.operation === 'sign'
            ? t('pinPurposeSign', [subject, purpose.recipients.join(', ')])
            : t('pinPurposeDecrypt', [subject, purpose.from || t('pinPurposeUnknownSender')]);
          return <li key={i} data-operation={purpose.operation}>{text}</li>;
        })}
      </ul>
    </div>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('pinTitle');
  const promptId = decodeURIComponent(location.hash.slice(1));
  render(<PinPrompt platform={platform} promptId={promptId} />, root);
}
