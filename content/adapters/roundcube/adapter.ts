/**
 * Roundcube (Elastic skin): S/MIME messages in the full view and the preview pane, and
 * the compose form. Reports only; every selector is in selectors.ts.
 */
import type { ComposeMode, ComposeView, MessageView, PageReport, PageRequest, RawSource, SecureKind, WebmailAdapter } from '../adapter';
import { emptyReport } from '../adapter';
import { isMessageId } from '../../../src/mime/build-message';
import { splitAddressList } from '../../../src/mime/mailbox-list';
import { envString, readRoundcubeEnv, type RoundcubeEnv } from './page-env';
import * as s from './selectors';

function action(doc: Document): string | undefined {
  return s.bodyActionClass.exec(doc.body?.className ?? '')?.[1];
}

function secureKind(doc: Document): SecureKind | undefined {
  let signed = false;
  for (const item of doc.querySelectorAll(s.attachmentItems)) {
    const name = item.querySelector(s.attachmentName)?.textContent?.trim().toLowerCase() ?? '';
    if (s.encryptedClass.test(item.className) || /\.p7m$/.test(name)) return 'encrypted';
    if (s.signatureClass.test(item.className) || /\.p7s$/.test(name)) signed = true;
  }
  return signed ? 'signed' : undefined;
}

function absolute(doc: Document, path: string): string {
  return new URL(path, doc.baseURI).href;
}

function messageView(doc: Document, env: RoundcubeEnv): MessageView | undefined {
  const body = doc.querySelector(s.messageBody);
  const kind = secureKind(doc);
  const uid = envString(env, 'uid');
  const mailbox = envString(env, 'mailbox');
  const token = envString(env, 'request_token');
  if (!body || !kind || !uid || !mailbox || !token) return undefined;
  return {
    key: `${mailbox}/${uid}`,
    kind,
    anchor: body,
    placement: 'replace',
    source: { url: absolute(doc, s.viewSourcePath(uid, mailbox, token)) },
  };
}

/** Roundcube's html_identifier of a plain UID, decoded; anything else (a search across folders' "uid-folder") is not taken. */
function uidOfRow(row: Element): string | undefined {
  const encoded = s.listRowId.exec(row.id)?.[1];
  if (encoded === undefined) return undefined;
  let uid: string;
  try {
    uid = atob(encoded.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(encoded.length / 4) * 4, '='));
  } catch {
    return undefined;
  }
  return /^[1-9]\d{0,9}$/.test(uid) ? uid : undefined;
}

/**
 * Whether a list row may be S/MIME worth reading ahead: Roundcube's "encrypted" icon
 * (application/pkcs7-mime), or its paperclip on a message under 1 MB, which a clear-signed
 * message shares with any other that has attachments.
 */
function mayBeSmime(row: Element): boolean {
  if (row.querySelector(s.encryptedRowIcon)) return true;
  if (!row.querySelector(s.attachmentRowIcon)) return false;
  const size = s.smallRowSize.exec(row.querySelector(s.rowSize)?.textContent?.trim() ?? '');
  return size !== null && (size[2] === 'B' || Number(size[1]) < 1024);
}

/** The one message selected in the mailbox list that may be S/MIME, before the preview pane shows it. */
function selectedSource(doc: Document): string | undefined {
  const rows = doc.querySelectorAll(s.selectedListRows);
  const [row] = rows;
  if (rows.length !== 1 || row === undefined || !mayBeSmime(row)) return undefined;
  const env = readRoundcubeEnv(doc);
  const uid = uidOfRow(row);
  const mailbox = envString(env, 'mailbox');
  const token = envString(env, 'request_token');
  if (!uid || !mailbox || !token) return undefined;
  return absolute(doc, s.viewSourcePath(uid, mailbox, token));
}

function fieldValue(doc: Document, selector: string): string {
  const field = doc.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(selector);
  if (!field) return '';
  // The From menu's value is an identity id; its label is the mailbox.
  if (field.tagName === 'SELECT') return (field as HTMLSelectElement).selectedOptions[0]?.textContent?.trim() ?? '';
  return field.value.slice(0, 64 * 1024);
}

/** Roundcube keeps each recipient field as one comma-separated list; a field past reason reads as none. */
function addressesOf(text: string): string[] {
  try {
    return splitAddressList(text).slice(0, 500);
  } catch {
    return [];
  }
}

function composeMode(env: RoundcubeEnv): ComposeMode {
  const mode = envString(env, 'compose_mode');
  return mode === 'reply' || mode === 'forward' || mode === 'draft' ? mode : 'new';
}

/**
 * Roundcube names a reply's original by its Message-ID only; Cachet fetches it over IMAP.
 * For a message without one Roundcube makes up "mid:N", which names nothing on the server.
 */
function original(env: RoundcubeEnv): { original: RawSource } | Record<string, never> {
  const messageId = envString(env, 'reply_msgid');
  return messageId !== undefined && isMessageId(messageId) ? { original: { messageId } } : {};
}

/**
 * The request that deletes the draft last saved from the compose form, as Roundcube's own
 * send does. Only a plain UID is taken: the delete action reads "*" as every message of
 * the folder.
 */
function savedDraft(doc: Document, env: RoundcubeEnv): PageRequest | undefined {
  const uid = doc.querySelector<HTMLInputElement>(s.draftUidField)?.value ?? '';
  const mailbox = envString(env, 'drafts_mailbox');
  const token = envString(env, 'request_token');
  if (!/^[1-9]\d{0,9}$/.test(uid) || !mailbox || !token) return undefined;
  return {
    url: absolute(doc, s.deleteMessagePath),
    form: s.deleteMessageForm(uid, mailbox),
    headers: { [s.requestTokenHeader]: token },
  };
}

function composeView(doc: Document, env: RoundcubeEnv): ComposeView | undefined {
  const toolbar = doc.querySelector(s.composeToolbar);
  const editor = doc.querySelector(s.composeEditor);
  const composeId = envString(env, 'compose_id');
  if (!toolbar || !editor || !composeId) return undefined;
  const mailbox = envString(env, 'mailbox') ?? 'INBOX';
  return {
    key: `compose/${composeId}`,
    toolbar,
    editor,
    alsoHidden: [...doc.querySelectorAll(s.composeHiddenWhileSecure), ...toolbar.querySelectorAll(s.composeToolbarItems)],
    mode: composeMode(env),
    ...original(env),
    readFields: () => ({
      from: fieldValue(doc, s.fromField),
      to: addressesOf(fieldValue(doc, s.toField)),
      cc: addressesOf(fieldValue(doc, s.ccField)),
      bcc: addressesOf(fieldValue(doc, s.bccField)),
      subject: fieldValue(doc, s.subjectField),
    }),
    doneUrl: absolute(doc, s.mailboxPath(mailbox)),
    savedDraft: () => savedDraft(doc, env),
  };
}

function scan(doc: Document): PageReport {
  const current = action(doc);
  if (current === undefined) return emptyReport;
  const env = readRoundcubeEnv(doc);
  if (s.messageActions.includes(current)) {
    const view = messageView(doc, env);
    return view ? { messages: [view], composes: [] } : emptyReport;
  }
  if (current === s.composeAction) {
    const view = composeView(doc, env);
    return view ? { messages: [], composes: [view] } : emptyReport;
  }
  return emptyReport;
}

export const roundcubeAdapter: WebmailAdapter = {
  name: 'roundcube',
  detect: (doc) => doc.querySelector(s.appScript) !== null && s.bodyTaskClass.test(doc.body?.className ?? ''),
  scan,
  selectedSource,
};
