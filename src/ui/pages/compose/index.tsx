/**
 * Secure compose: the message is written here, in Cachet's own page, and never in the
 * webmail page (DESIGN.md invariant 1). The background resolves certificates and builds
 * the S/MIME message; a smart card's PIN is asked in Cachet's PIN window, never here.
 * Framed in a webmail (a one-time token in the fragment) it starts from the webmail's
 * form and sends through the site's mail account; the draft stays here until the server
 * took it. Opened on its own, it downloads the message as an .eml file.
 */
import '../../styles/base.css';
import './compose.css';
import { render } from 'preact';
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { splitAddressList } from '../../../mime/mailbox-list';
import type { ComposeFrameView, ComposeRequest, IdentityView, PolicyView, SendResult } from '../../../protocol/runtime';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { SecurityIndicatorHeader } from '../../components/security-indicator';
import { framedWithoutToken, UnopenedFrame } from '../../components/unopened-frame';
import { reportFrameHeight } from '../../components/frame-height';
import { useRequest } from '../../components/use-request';
import type { PagePlatform, Translate } from '../../platform';
import { AttachmentList, type PickedAttachment } from './attachment-list';
import { fromMailbox, offeredIdentities } from './default-identity';
import { messageUrl, startDownload, type CreatedMessage } from './download';
import { blankStart, frameStart, identityForFrom, type ComposeStart } from './frame-start';
import { IdentityPicker } from './identity-picker';
import { missingList } from './missing-list';
import { MissingWarning } from './missing-warning';
import { plainToHtml } from './plain-to-html';
import { RecipientField } from './recipient-field';
import { SecurityOptions, type SecurityState } from './security-options';
import { useRecipientStatus } from './use-recipient-status';

/** A list the user is still typing may not parse yet; its raw entries are shown meanwhile. */
function entriesOf(text: string): string[] {
  try {
    return splitAddressList(text);
  } catch {
    return [];
  }
}

function securityState(view: PolicyView, sign: boolean, encrypt: boolean, t: Translate): SecurityState {
  const { policy, locked } = view;
  const signHeld = policy.alwaysSign && locked.includes('alwaysSign') ? t('policyLocked') : undefined;
  const encryptHeld = policy.alwaysEncrypt ? t(locked.includes('alwaysEncrypt') ? 'policyLocked' : 'composeEncryptRequired') : undefined;
  return { sign: signHeld ? true : sign, encrypt: encryptHeld ? true : encrypt, signHeld, encryptHeld };
}

function Compose({ platform, view, identities, defaultSigning, frame, start }: {
  platform: PagePlatform;
  view: PolicyView;
  identities: readonly IdentityView[] | string;
  defaultSigning: string | null;
  /** Present when a webmail framed this page: the message is sent, not downloaded. */
  frame: ComposeFrameView | undefined;
  start: ComposeStart;
}) {
  const { send, t } = platform;
  const subjectId = useId();
  const bodyId = useId();
  const htmlId = useId();
  const offered = typeof identities === 'string' ? [] : offeredIdentities(identities, view.policy.smartCardOnly);
  const [identityId, setIdentityId] = useState(() =>
    (frame ? identityForFrom(offered, frame.fields.from) : undefined)?.id ?? offered.find((i) => i.id === defaultSigning)?.id ?? offered[0]?.id);
  const [to, setTo] = useState(start.to);
  const [cc, setCc] = useState(start.cc);
  const [bcc, setBcc] = useState(start.bcc);
  const [subject, setSubject] = useState(start.subject);
  const [text, setText] = useState(start.text);
  const [sent, setSent] = useState<SendResult>();
  const [withHtml, setWithHtml] = useState(false);
  const [attachments, setAttachments] = useState<PickedAttachment[]>([]);
  // Opened from a webmail's Secure button (and so for every reply quoting an encrypted
  // original), the message starts signed and encrypted: the user asked for protection,
  // and a quote must not go out in clear by default. Missing certificates then get B7's
  // warning and choices. The standalone page starts from the policy alone.
  const secureStart = frame !== undefined;
  const [sign, setSign] = useState(view.policy.alwaysSign || (secureStart && offered.length > 0));
  const [encrypt, setEncrypt] = useState(view.policy.alwaysEncrypt || secureStart);
  const [anyway, setAnyway] = useState(false);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedMessage>();
  const [announcement, setAnnouncement] = useState<Announcement>();

  const fields = { to: entriesOf(to), cc: entriesOf(cc), bcc: entriesOf(bcc) };
  const allEntries = useMemo(() => [...fields.to, ...fields.cc, ...fields.bcc], [to, cc, bcc]);
  const status = useRecipientStatus(send, allEntries);
  const security = securityState(view, sign, encrypt, t);
  const missing = [...new Set(allEntries.filter((entry) => {
    const state = status.views.get(entry)?.state;
    return state !== undefined && state !== 'ok';
  }))];
  const showWarning = security.encrypt && missing.length > 0;

  useEffect(() => () => {
    if (created) URL.revokeObjectURL(created.url);
  }, [created]);

  const fail = (message: string) => setAnnouncement({ kind: 'error', text: message });

  function request(): ComposeRequest {
    const identity = offered.find((i) => i.id === identityId);
    return {
      ...(identity ? { identity: identity.id } : {}),
      from: identity ? fromMailbox(identity) : '',
      to: fields.to, cc: fields.cc, bcc: fields.bcc,
      subject, text,
      ...(withHtml ? { html: plainToHtml(text) } : {}),
      attachments: attachments.map(({ fileName, mediaType, data }) => ({ fileName, mediaType, data })),
      ...(start.inReplyTo !== undefined ? { inReplyTo: start.inReplyTo } : {}),
      ...(start.references?.length ? { references: start.references } : {}),
      sign: security.sign,
      encrypt: security.encrypt,
      encryptDespiteMissing: !view.policy.alwaysEncrypt && anyway,
    };
  }

  /** What can be said before asking the background; it checks all of it again. */
  function problem(): string | undefined {
    if (allEntries.length === 0) return t('composeNeedRecipient');
    if (showWarning && (view.policy.alwaysEncrypt || !anyway)) return t('composeMissingList', missingList(missing, status.views));
    if ((security.sign || security.encrypt) && !offered.some((i) => i.id === identityId)) return t('composeNeedIdentity');
    return undefined;
  }

  async function create(e: Event): Promise<void> {
    e.preventDefault();
    if (busy) return;
    const found = problem();
    if (found !== undefined) {
      fail(found);
      if (showWarning) document.getElementById('missing-warning')?.focus();
      return;
    }
    setBusy(true);
    if (frame) {
      await sendThrough(frame);
      return;
    }
    setAnnouncement({ kind: 'info', text: t('composeCreating') });
    try {
      const { message, fileName } = await send('compose/build', request());
      const next = { url: messageUrl(message), fileName };
      setCreated(next);
      startDownload(next);
      setAnnouncement({ kind: 'info', text: t('composeCreated', fileName) });
    } catch (error) {
      fail(errorText(error));
    } finally {
      setBusy(false);
    }
  }

  /** Nothing typed is lost: on any failure the form stays as it is, ready to send again. */
  async function sendThrough(opened: ComposeFrameView): Promise<void> {
    setAnnouncement({ kind: 'info', text: t('composeSending') });
    try {
      const result = await send('compose/send', { slot: opened.slot, message: request() });
      setSent(result);
      if (result.rejected.length === 0) {
        setAnnouncement({ kind: 'info', text: t(result.savedToSent ? 'composeSent' : 'composeSentNoCopy', String(result.accepted.length)) });
      } else {
        setAnnouncement({ kind: 'error', text: t('composeRefused', result.rejected.map((r) => `${r.address} (${r.reason})`).join('; ')) });
      }
    } catch (error) {
      fail(t('composeNotSent', errorText(error)));
    } finally {
      setBusy(false);
    }
  }

  async function discard(opened: ComposeFrameView): Promise<void> {
    try {
      await send('compose/close', { slot: opened.slot });
    } catch (error) {
      fail(errorText(error));
    }
  }

  const done = sent !== undefined && sent.rejected.length === 0;
  return (
    <form class="compose" onSubmit={(e) => void create(e)} aria-busy={busy} data-sent={done}>
      <IdentityPicker offered={offered} failure={typeof identities === 'string' ? identities : undefined} value={identityId} t={t} onChange={setIdentityId} />
      <RecipientField label={t('composeTo')} value={to} entries={fields.to} views={status.views} checking={status.pending} t={t} onInput={setTo} />
      <RecipientField label={t('composeCc')} value={cc} entries={fields.cc} views={status.views} checking={status.pending} t={t} onInput={setCc} />
      <RecipientField label={t('composeBcc')} value={bcc} entries={fields.bcc} views={status.views} checking={status.pending} t={t} onInput={setBcc} />
      {status.error && <p class="bad">{status.error}</p>}
      <div class="field">
        <label for={subjectId}>{t('composeSubject')}</label>
        <input id={subjectId} type="text" value={subject} maxLength={4096} onInput={(e) => setSubject(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={bodyId}>{t('composeBody')}</label>
        <textarea id={bodyId} rows={14} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <input id={htmlId} type="checkbox" checked={withHtml} onChange={(e) => setWithHtml(e.currentTarget.checked)} />
        <label for={htmlId}>{t('composeHtml')}</label>
      </div>
      <AttachmentList attachments={attachments} t={t} onError={fail}
        onAdd={(added) => {
          setAttachments((list) => [...list, ...added]);
          setAnnouncement({ kind: 'info', text: t('composeAttachmentAdded', added.map((a) => a.fileName).join(', ')) });
        }}
        onRemove={(removed) => {
          setAttachments((list) => list.filter((a) => a.key !== removed.key));
          setAnnouncement({ kind: 'info', text: t('composeAttachmentRemoved', removed.fileName) });
        }} />
      <SecurityOptions state={security} t={t} onSign={setSign} onEncrypt={setEncrypt} />
      {showWarning && (
        <MissingWarning missing={missing} described={missingList(missing, status.views)} alwaysEncrypt={view.policy.alwaysEncrypt} anyway={anyway} t={t}
          onAnyway={setAnyway} onEncryptOff={() => setEncrypt(false)} />
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || done}>{t(frame ? 'composeSend' : 'composeCreate')}</button>
        {frame && !done && <button type="button" disabled={busy} onClick={() => void discard(frame)}>{t('composeDiscard')}</button>}
        {created && <a href={created.url} download={created.fileName}>{t('composeDownloadAgain', created.fileName)}</a>}
      </div>
      <Announcer announcement={announcement} />
    </form>
  );
}

function ComposePage({ platform, frameToken }: { platform: PagePlatform; frameToken: string | undefined }) {
  const { send, t } = platform;
  const policy = useRequest(() => send('policy/get', {}));
  const identities = useRequest(() => send('identities/list', {}));
  const frame = useRequest(() => (frameToken === undefined ? Promise.resolve(undefined) : send('compose/open-frame', { token: frameToken })));
  const ready = policy.state.status === 'ready' && identities.state.status !== 'loading' && frame.state.status === 'ready';
  const opened = frame.state.status === 'ready' ? frame.state.value : undefined;
  const failure = policy.state.status === 'failed' ? policy.state.message : frame.state.status === 'failed' ? frame.state.message : undefined;
  const start = opened ? frameStart(opened, { wrote: (date, from) => t('composeWrote', [date, from]), forwardedHeading: t('composeForwarded') }) : blankStart;
  return (
    <main class={opened ? 'framed' : undefined}>
      <SecurityIndicatorHeader send={send} t={t} />
      <h1>{t(opened?.mode === 'reply' ? 'composeTitleReply' : opened?.mode === 'forward' ? 'composeTitleForward' : 'composeTitle')}</h1>
      {failure !== undefined && <p role="alert">{failure}</p>}
      {opened?.quoteProblem !== undefined && <p class="bad" role="note">{t('composeNoQuote', opened.quoteProblem)}</p>}
      {!ready && failure === undefined && <p>{t('loading')}</p>}
      {ready && policy.state.status === 'ready' && (
        <Compose platform={platform} view={policy.state.value} frame={opened} start={start}
          identities={identities.state.status === 'ready' ? identities.state.value.identities : identities.state.status === 'failed' ? identities.state.message : []}
          defaultSigning={identities.state.status === 'ready' ? identities.state.value.defaultSigning : null} />
      )}
    </main>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('composeTitle');
  // A frame token comes in the fragment; only a framed compose redeems one.
  if (framedWithoutToken()) {
    render(<UnopenedFrame t={(key, substitutions) => platform.t(key, substitutions)} />, root);
    return;
  }
  const token = window.top !== window ? location.hash.slice(1) : undefined;
  render(<ComposePage platform={platform} frameToken={token} />, root);
  reportFrameHeight();
}
