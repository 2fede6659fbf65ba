/**
 * Outlook on the web and Outlook.com: the S/MIME message the reading pane shows, known by
 * its smime.p7m / smime.p7s attachment and read through Microsoft Graph by the id the
 * page's address names; and Outlook's compose forms, with that message as the original of
 * a reply or forward written below it. Reports only; every selector is in selectors.ts.
 */
import type { ComposeMode, ComposeView, MessageView, PageReport, RawSource, WebmailAdapter } from '../adapter';
import { emptyReport } from '../adapter';
import { smimeKindOf } from '../smime-part';
import * as s from './selectors';

/** The Exchange id of the one message the page's address names, if it names one. */
function addressedMessage(location: Location): string | undefined {
  let id = new URLSearchParams(location.search).get(s.addressIdParameter);
  try {
    id ??= decodeURIComponent(s.addressId.exec(location.pathname)?.[1] ?? '');
  } catch {
    return undefined;
  }
  return s.messageId.test(id) ? id : undefined;
}

/**
 * The message around a body: its nearest ancestor that holds an attachment list, as long as
 * it holds no other message's body.
 */
function messageAround(body: Element, pane: Element): Element | undefined {
  for (let node = body.parentElement; node && node !== pane; node = node.parentElement) {
    if (node.querySelectorAll(s.messageBody).length > 1) return undefined;
    if (node.querySelector(s.attachmentList)) return node;
  }
  return undefined;
}

function attachmentNames(message: Element): string[] {
  return [...message.querySelectorAll(`${s.attachmentList} ${s.attachment}`)].flatMap((option) => [
    option.getAttribute(s.attachmentNameAttribute) ?? '',
    option.textContent ?? '',
  ]);
}

interface PaneMessage {
  readonly pane: Element;
  readonly body: Element;
  /** Microsoft Graph's id of the message. */
  readonly graphId: string;
}

/**
 * The reading pane's one message, when the address names it. A pane with more than one
 * body (a conversation) leaves nothing to tie the id to one of them, so there is none.
 */
function paneMessage(doc: Document, location: Location): PaneMessage | undefined {
  const pane = doc.querySelector(s.readingPane);
  const bodies = pane ? [...pane.querySelectorAll(s.messageBody)] : [];
  const id = addressedMessage(location);
  const [body] = bodies;
  if (!pane || bodies.length !== 1 || !body || id === undefined) return undefined;
  return { pane, body, graphId: s.graphId(id) };
}

function messageView(shown: PaneMessage | undefined): MessageView | undefined {
  if (!shown) return undefined;
  const message = messageAround(shown.body, shown.pane);
  const kind = message ? smimeKindOf(attachmentNames(message)) : undefined;
  if (!kind) return undefined;
  return { key: `outlook/${shown.graphId}`, kind, anchor: shown.body, placement: 'replace', source: { provider: { provider: 'graph', id: shown.graphId } } };
}

function recipients(root: Element, label: string): string[] {
  const well = root.querySelector(s.recipientWell(label));
  if (!well) return [];
  return [...well.querySelectorAll(s.recipient)]
    .map((chip) => chip.getAttribute(s.recipientAddressAttribute)?.trim() ?? '')
    .filter((address) => address !== '' && address.length <= 320)
    .slice(0, 500);
}

function signedInAddress(doc: Document): string {
  const root = doc.querySelector(s.mailboxRoot);
  const address = s.mailboxAddressAttributes.map((name) => root?.getAttribute(name) ?? '').find((value) => value.includes('@'));
  return (address ?? '').slice(0, 998);
}

function modeOf(editor: Element, subject: string): ComposeMode {
  if (s.forwardSubject.test(subject)) return 'forward';
  return s.replySubject.test(subject) || editor.querySelector(s.quotedOriginal) ? 'reply' : 'new';
}

/**
 * The original of a reply or forward written inline, below the message it answers: the
 * reading pane's one message. Outlook's own quote in the editor is never read; Cachet
 * quotes from its own copy, fetched through Graph (DESIGN.md invariant 1).
 */
function originalOf(editor: Element, mode: ComposeMode, shown: PaneMessage | undefined): { original: RawSource } | Record<string, never> {
  if (mode === 'new' || !shown?.pane.contains(editor)) return {};
  return { original: { provider: { provider: 'graph', id: shown.graphId } } };
}

/** The form around an editor: its nearest ancestor that also holds Send. */
function composeView(doc: Document, location: Location, editor: Element, index: number, shown: PaneMessage | undefined): ComposeView | undefined {
  let root = editor.parentElement;
  while (root && !root.querySelector(s.sendButton)) root = root.parentElement;
  const toolbar = root?.querySelector(s.sendButton)?.parentElement;
  if (!root || !toolbar) return undefined;
  const form = root;
  const subject = () => (form.querySelector<HTMLInputElement>(s.subjectField)?.value ?? '').slice(0, 4096);
  const mode = modeOf(editor, subject());
  return {
    key: `outlook/compose/${index}`,
    toolbar,
    editor,
    alsoHidden: [...toolbar.querySelectorAll(s.toolbarItems)],
    mode,
    ...originalOf(editor, mode, shown),
    readFields: () => ({
      from: signedInAddress(doc),
      to: recipients(form, s.recipientFields.to),
      cc: recipients(form, s.recipientFields.cc),
      bcc: recipients(form, s.recipientFields.bcc),
      subject: subject(),
    }),
    doneUrl: `${location.origin}${s.mailRoot.exec(location.pathname)?.[0] ?? s.defaultMailRoot}`,
  };
}

function scan(doc: Document): PageReport {
  const { location } = doc;
  // A document without an address (one made by DOMParser) is no Outlook page.
  if (!(location as Location | null)) return emptyReport;
  const shown = paneMessage(doc, location);
  const message = messageView(shown);
  const composes = [...doc.querySelectorAll(s.editor)].map((editor, index) => composeView(doc, location, editor, index, shown));
  return {
    messages: message ? [message] : [],
    composes: composes.filter((view): view is ComposeView => view !== undefined),
  };
}

export const outlookAdapter: WebmailAdapter = {
  name: 'outlook',
  detect: (doc) => s.origins.includes(doc.location?.origin ?? ''),
  scan,
};
