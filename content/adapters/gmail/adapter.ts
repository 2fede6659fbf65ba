/**
 * Gmail: the S/MIME messages of a conversation, known by their smime.p7m / smime.p7s chips,
 * named both by Gmail's "Download original" (the page's session) and by their Gmail API id;
 * and Gmail's compose windows and inline replies. Reports only; every selector is in
 * selectors.ts.
 */
import type { ComposeMode, ComposeView, MessageSource, MessageView, PageReport, RawSource, WebmailAdapter } from '../adapter';
import { smimeKindOf } from '../smime-part';
import * as s from './selectors';

function account(doc: Document): string {
  return s.accountPath.exec(doc.location?.pathname ?? '')?.[0] ?? s.defaultAccountPath;
}

/** A file chip's name and media type, and its download URL, from its attribute or its link. */
function chipOf(chip: Element): { names: string[]; url: string | undefined } {
  const title = chip.querySelector(s.attachmentName)?.textContent ?? '';
  const attribute = chip.getAttribute(s.downloadUrlAttribute) ?? '';
  // "<media type>:<file name>:https://…", where the name may hold colons of its own.
  const described = attribute.length <= 8192 ? s.downloadUrlParts.exec(attribute) : null;
  const url = described?.[3] ?? chip.querySelector<HTMLAnchorElement>(s.chipLink)?.href;
  return { names: [described?.[1] ?? '', described?.[2] ?? '', title].filter((n) => n !== ''), url };
}

/** The file chips of a message (or of the page), never anything inside a rendered body. */
function chips(root: ParentNode): Element[] {
  return [...root.querySelectorAll(s.attachmentChip)].filter((chip) => chip.closest(s.messageBody) === null);
}

/** The account's page key from a chip's Gmail URL, as Gmail's own download links carry it. */
function pageKeyOf(chipList: readonly Element[]): string | undefined {
  for (const chip of chipList) {
    const { url } = chipOf(chip);
    let parsed: URL;
    try {
      parsed = new URL(url ?? '');
    } catch {
      continue;
    }
    const ik = parsed.origin === s.origin ? parsed.searchParams.get('ik') : null;
    if (ik !== null && s.pageKey.test(ik)) return ik;
  }
  return undefined;
}

/**
 * The message's id on Gmail's server, in decimal (the page's "Download original" takes it)
 * and in hexadecimal (the Gmail API's). The element carries both; a message whose two ids
 * disagree is left alone.
 */
function serverIdOf(element: Element): { decimal: string; hex: string } | undefined {
  const decimal = s.serverId.exec(element.getAttribute(s.serverIdAttribute) ?? '')?.[1];
  const legacy = element.getAttribute(s.legacyIdAttribute) ?? '';
  if (decimal === undefined || !s.legacyId.test(legacy)) return undefined;
  const hex = BigInt(`0x${legacy}`);
  return hex.toString() === decimal ? { decimal, hex: hex.toString(16) } : undefined;
}

/** A message both ways: the page's own raw source, and the Gmail API's id for it. */
function sourceOf(doc: Document, id: { decimal: string; hex: string }, pageKey: string | undefined): MessageSource {
  return { url: s.originalDownload(account(doc), id.decimal, pageKey), provider: { provider: 'gmail', id: id.hex } };
}

function messageView(doc: Document, element: Element): MessageView | undefined {
  const body = element.querySelector(s.messageBody);
  const id = serverIdOf(element);
  const own = chips(element);
  const kind = smimeKindOf(own.flatMap((chip) => chipOf(chip).names));
  if (!body || id === undefined || !kind) return undefined;
  return {
    key: `gmail/msg-f:${id.decimal}`,
    kind,
    anchor: body,
    placement: 'replace',
    source: sourceOf(doc, id, pageKeyOf(own)),
  };
}

/** The message a reply or forward answers, from Gmail's form: a hexadecimal or `msg-f` id. */
function targetOf(form: Element): { decimal: string; hex: string } | undefined {
  const value = (form.querySelector<HTMLInputElement>(s.targetMessageField)?.value ?? '').trim();
  const decimal = s.legacyId.test(value) ? BigInt(`0x${value}`).toString() : s.serverId.exec(value)?.[1];
  return decimal === undefined ? undefined : { decimal, hex: BigInt(decimal).toString(16) };
}

function modeOf(form: Element, target: unknown): ComposeMode {
  if (form.querySelector(s.forwardMarker)) return 'forward';
  return target === undefined ? 'new' : 'reply';
}

function recipients(form: Element, field: s.RecipientField): string[] {
  return [...form.querySelectorAll(s.recipientChips(field))]
    // The classic chips' hidden inputs hold the address as their value.
    .map((chip) => (chip.tagName === 'INPUT' ? (chip as HTMLInputElement).value : chip.getAttribute(s.chipAddressAttribute) ?? '').trim())
    .filter((address) => address !== '' && address.length <= 320)
    .slice(0, 500);
}

function fieldValue(form: Element, selector: string): string {
  return (form.querySelector<HTMLInputElement>(selector)?.value ?? '').slice(0, 4096);
}

function composeView(doc: Document, form: Element): ComposeView | undefined {
  const composeId = form.querySelector<HTMLInputElement>(s.composeIdField)?.value ?? '';
  const editor = form.querySelector(s.editor);
  const toolbar = form.querySelector(s.sendCell);
  const bar = toolbar?.parentElement;
  if (!composeId || composeId.length > 256 || !editor || !toolbar || !bar) return undefined;
  const target = targetOf(form);
  const mode = modeOf(form, target);
  // The original is quoted from Cachet's own copy, fetched like any message of the page.
  const original: RawSource | undefined = target === undefined ? undefined : sourceOf(doc, target, pageKeyOf(chips(doc)));
  return {
    key: `gmail/compose/${composeId}`,
    toolbar,
    editor,
    alsoHidden: [...toolbar.querySelectorAll(s.sendCellItems), ...bar.querySelectorAll(s.otherBarCells)],
    mode,
    ...(original === undefined ? {} : { original }),
    readFields: () => ({
      from: fieldValue(form, s.fromField),
      to: recipients(form, 'to'),
      cc: recipients(form, 'cc'),
      bcc: recipients(form, 'bcc'),
      subject: s.subjectFields.map((field) => fieldValue(form, field)).find((subject) => subject !== '') ?? '',
    }),
    doneUrl: s.inboxUrl(account(doc)),
  };
}

function scan(doc: Document): PageReport {
  const messages = [...doc.querySelectorAll(s.message)].map((element) => messageView(doc, element));
  const composes = [...doc.querySelectorAll(s.compose)].map((form) => composeView(doc, form));
  return {
    messages: messages.filter((view): view is MessageView => view !== undefined),
    composes: composes.filter((view): view is ComposeView => view !== undefined),
  };
}

export const gmailAdapter: WebmailAdapter = {
  name: 'gmail',
  detect: (doc) => doc.location?.origin === s.origin,
  scan,
};
