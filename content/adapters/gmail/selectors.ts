/**
 * Everything the Gmail adapter knows of Gmail's pages, as of 2026-12-07. Gmail documents
 * none of it and renames its classes at will; each selector names the maintained code that
 * reads the same element: InboxSDK's Gmail driver (InboxSDK/InboxSDK at a8a6fe2, 2026-07-23,
 * src/platform-implementation-js/dom-driver/gmail/), gmail.js (KartikTalwar/gmail.js,
 * 2026-03-25, src/gmail.js) and Mailvelope's Gmail integration
 * (src/content-scripts/gmailIntegration.js). The tests run the adapter against captures
 * rebuilt from those sources (test/content/captures/gmail-2026-12/), not saved from the
 * live site: when Gmail changes, a selector stops matching and the adapter reports nothing.
 */

/** Gmail is picked by its origin: it renders everything by script, after the content script starts. */
export const origin = 'https://mail.google.com';

/** `/mail/u/<n>`: the signed-in account a page belongs to (Gmail's own URLs; gmail.js). */
export const accountPath = /^\/mail\/u\/\d{1,2}(?=\/|$)/;
export const defaultAccountPath = '/mail/u/0';

/** One message of a conversation, with its ids (gmail.js `api.dom.email`: `div.adn[data-message-id]`). */
export const message = 'div.adn[data-message-id]';
/** `#msg-f:<decimal>` once Gmail's server has the message; `#msg-a:…` while it is still being sent. */
export const serverIdAttribute = 'data-message-id';
export const serverId = /^#?msg-f:(\d{1,20})$/;
/** The same id in hexadecimal, as Gmail's API and older URLs use it (InboxSDK `getMessageID`). */
export const legacyIdAttribute = 'data-legacy-message-id';
export const legacyId = /^[0-9a-f]{1,16}$/;
/** The rendered body (InboxSDK `getContentsElement`: `div.ii.gt`); Cachet's reader takes its place. */
export const messageBody = 'div.ii.gt';
/** The file chips below the body (InboxSDK GmailAttachmentAreaView: `.aQH > span`, the card `span.aZo`). */
export const attachmentChip = '.aQH > span.aZo';
/** The chip's file name (InboxSDK GmailAttachmentCardView `getTitle`: `span .aV3`). */
export const attachmentName = '.aV3';
/**
 * `<media type>:<file name>:<URL>` on each file chip, or its first link's href (InboxSDK
 * `_getDownloadLink`). The URL names the signed-in account's page key, `ik`.
 */
export const downloadUrlAttribute = 'download_url';
export const downloadUrlParts = /^([^:]*):(.*?):(https:\/\/.*)$/;
export const chipLink = ':scope > a[href]';
export const pageKey = /^[0-9a-z]{4,32}$/i;

/**
 * The message's raw source: Gmail's "Download original" of it (the link on its "Show
 * original" page; gmail.js `email_source_pre`), fetched with the page's session. Gmail
 * answers with a redirect to its attachment host, which serves the message byte for byte
 * (background/page-source.ts). "Show original" itself (`view=om`) is an HTML page with the
 * message HTML-escaped in a <pre>: not the bytes, and refused as text/html. The page key
 * names the account as Gmail's own links do; gmail.js fetches the same download without it.
 */
export function originalDownload(account: string, decimalId: string, ik: string | undefined): string {
  const key = ik === undefined ? '' : `ui=2&ik=${encodeURIComponent(ik)}&`;
  return `${origin}${account}/?${key}view=att&permmsgid=msg-f:${decimalId}&attid=0&disp=comp&safe=1&zw`;
}

/**
 * A compose form: its own window (`[role=dialog]` in `div.AD`) or an inline reply below a
 * message (`.ip.adB`); both hold `div.M9` (gmail.js `api.dom.composes`; InboxSDK's reply
 * element stream).
 */
export const compose = 'div.M9';
/** Gmail's id for the form, stable while it is open (InboxSDK, gmail.js `id()`). */
export const composeIdField = 'input[name="composeid"]';
/** The message a reply or forward answers, or "undefined" (InboxSDK `#getTargetMessageID`). */
export const targetMessageField = 'input[name="rm"]';
/** The response-type menu's icon when the form forwards (InboxSDK `isForward`). */
export const forwardMarker = '.Un.J-JN-M-I .mI';
/** The sending address (InboxSDK from-manager: `input[name="from"]`). */
export const fromField = 'input[name="from"]';
/** The subject; an inline reply keeps its box hidden and the subject in `subject` (gmail.js `subject()`). */
export const subjectFields = ['input[name="subjectbox"]', 'input[name="subject"]'] as const;
export const recipientFields = ['to', 'cc', 'bcc'] as const;
export type RecipientField = (typeof recipientFields)[number];
/**
 * Recipient chips since Gmail's 2021 compose, the address in `data-hovercard-id`
 * (InboxSDK page-parser `getRecipientChips`), and the classic chips' hidden inputs
 * (gmail.js `recipients()`: `.GS input[type=hidden]`).
 */
export function recipientChips(field: RecipientField): string {
  return `.GS .anm[name="${field}"] [role="option"][${chipAddressAttribute}], .GS .vR > input[type="hidden"][name="${field}"]`;
}
export const chipAddressAttribute = 'data-hovercard-id';
/** The editor (InboxSDK `getBodyElement`: `.Ap [g_editable=true]`). */
export const editor = '.Ap [g_editable="true"]';
/** The cell of Send in the bottom bar, where Cachet's button goes (InboxSDK `getSendButton`: `.IZ .Up`). */
export const sendCell = '.IZ td.Up';
/**
 * Hidden while Cachet's compose is open: Send and its scheduling menu beside Cachet's
 * button, and the bar's other cells (formatting, attach, link, emoji, Drive, photos,
 * confidential mode, signature, more options, discard); each works on Gmail's form.
 */
export const sendCellItems = ':scope > :not([data-cachet])';
export const otherBarCells = ':scope > :not(.Up)';

/** Where the user goes once the message is sent: the account's inbox. */
export function inboxUrl(account: string): string {
  return `${origin}${account}/#inbox`;
}
