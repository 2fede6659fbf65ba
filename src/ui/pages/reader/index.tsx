/**
 * The secure reader (B13, B15, B17): a message is dropped, picked, or handed over by the
 * webmail tab (a one-time token in the fragment when framed). The background decrypts and
 * verifies; this page shows the content at once and each signer's banner, which fills in
 * when certificate validation ends. Plaintext exists only here, never in the webmail page.
 */
import '../../styles/base.css';
import './reader.css';
import { render } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { ReaderView, SignerValidationView } from '../../../protocol/runtime';
import { base64ToBytes, bytesToBase64 } from '../../../protocol/runtime-bytes';
import { Announcer, type Announcement } from '../../components/announcer';
import { errorText } from '../../components/error-text';
import { SecurityIndicatorHeader } from '../../components/security-indicator';
import { frameToken } from '../../components/frame-token';
import { framedWithoutToken, UnopenedFrame } from '../../components/unopened-frame';
import { reportFrameHeight } from '../../components/frame-height';
import type { PagePlatform } from '../../platform';
import { MessageBody } from './message-body';
import { MessageHeader } from './message-header';
import { takeEarlyOpening } from './early-open';
import { SignerBanner } from './signer-banner';

/** Larger than any mail a webmail accepts; refused before reading. */
const maxMessageBytes = 36 * 1024 * 1024;

function saveFile(name: string, mediaType: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

interface ReaderProps {
  readonly platform: PagePlatform;
  /** The framed message, asked for before the first render; none for the reader page itself. */
  readonly opening: Promise<ReaderView> | undefined;
}

function Reader({ platform, opening }: ReaderProps) {
  const framed = opening !== undefined;
  const { send, t } = platform;
  const inputId = useId();
  const [view, setView] = useState<ReaderView>();
  const [validation, setValidation] = useState<readonly SignerValidationView[]>();
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [announcement, setAnnouncement] = useState<Announcement>();

  async function show(open: () => Promise<ReaderView>): Promise<void> {
    setBusy(true);
    setView(undefined);
    setValidation(undefined);
    setAnnouncement({ kind: 'info', text: t('readerOpening') });
    try {
      const opened = await open();
      setView(opened);
      setAnnouncement({ kind: 'info', text: t('readerOpened') });
      if (opened.signers.length > 0) {
        const { signers } = await send('reader/validation', { sessionId: opened.sessionId });
        setValidation(signers);
      }
    } catch (error) {
      setAnnouncement({ kind: 'error', text: errorText(error) });
    } finally {
      setBusy(false);
    }
  }

  async function openFile(file: File | undefined): Promise<void> {
    if (!file) return;
    if (file.size > maxMessageBytes) {
      setAnnouncement({ kind: 'error', text: t('readerTooLarge') });
      return;
    }
    const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
    await show(() => send('reader/open', { data }));
  }

  useEffect(() => {
    if (opening !== undefined) void show(() => opening);
  }, []);

  async function saveAttachment(index: number, name: string, mediaType: string): Promise<void> {
    if (!view) return;
    try {
      const { data } = await send('reader/attachment', { sessionId: view.sessionId, index });
      saveFile(name, mediaType, base64ToBytes(data));
    } catch (error) {
      setAnnouncement({ kind: 'error', text: errorText(error) });
    }
  }

  return (
    <main
      class={`reader${framed ? ' framed' : ''}${dragging ? ' dragging' : ''}`}
      aria-busy={busy}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void openFile(e.dataTransfer?.files[0]);
      }}
    >
      <SecurityIndicatorHeader send={send} t={t} />
      <h1>{t('readerTitle')}</h1>
      {!framed && (
        <div class="file-import">
          <label for={inputId}>{t('readerPickFile')}</label>
          <input id={inputId} type="file" accept=".eml,.p7m,message/rfc822" disabled={busy}
            onChange={(e) => {
              const input = e.currentTarget;
              void openFile(input.files?.[0]).finally(() => {
                input.value = '';
              });
            }} />
          <p class="hint">{t('readerDropHint')}</p>
        </div>
      )}
      <Announcer announcement={announcement} />
      {view && (
        <article class="message">
          <MessageHeader view={view} t={t} />
          <p class="security-summary" data-encrypted={view.encrypted}>
            {view.encrypted ? t('readerEncrypted') : t('readerNotEncrypted')}
            {view.signers.length === 0 && ` ${t('readerNotSigned')}`}
          </p>
          {view.bareFile && <p class="hint notice" data-notice="bare-file">{t('readerBareFile')}</p>}
          {view.notices.map((notice) => <p key={notice} class="hint notice">{notice}</p>)}
          {view.signers.map((signer, i) => (
            <SignerBanner key={i} signer={signer} validation={validation?.[i]} author={view.author} t={t} />
          ))}
          <MessageBody text={view.text} html={view.html} t={t} />
          {view.attachments.length > 0 && (
            <section aria-label={t('readerAttachments')}>
              <h2>{t('readerAttachments')}</h2>
              <ul class="attachments">
                {view.attachments.map((a) => (
                  <li key={a.index}>
                    <span>{a.fileName}</span> <span class="detail">({a.mediaType}, {a.size} B)</span>{' '}
                    <button type="button" aria-label={t('readerSave', a.fileName)} onClick={() => void saveAttachment(a.index, a.fileName, a.mediaType)}>
                      {t('save')}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </article>
      )}
    </main>
  );
}

export function mount(root: HTMLElement, platform: PagePlatform): void {
  document.title = platform.t('readerTitle');
  // A frame token comes in the fragment; only a framed reader redeems one.
  if (framedWithoutToken()) {
    render(<UnopenedFrame t={(key, substitutions) => platform.t(key, substitutions)} />, root);
    return;
  }
  const token = frameToken();
  // Asked by the boot script before this bundle loaded (early-open.ts), or else now, before
  // the first render rather than from an effect (which runs after the next paint).
  const opening = token === undefined ? undefined : takeEarlyOpening() ?? platform.send('reader/open-frame', { token });
  // Handled by `show`, once the first render's effect runs; until then not unhandled.
  opening?.catch(() => undefined);
  render(<Reader platform={platform} opening={opening} />, root);
  reportFrameHeight();
}
