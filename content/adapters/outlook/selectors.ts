/**
 * Everything the Outlook adapter knows of Outlook on the web (Microsoft 365 and
 * Outlook.com share one app), as of 2026-12-07. Microsoft documents none of it and its
 * class names are build hashes, so only ids, roles and the address are used, each taken
 * from maintained code that reads the same element: Mailvelope's Outlook integration
 * (mailvelope/mailvelope src/content-scripts/outlookIntegration.js, 2025) and other public
 * extensions' Outlook content scripts. Compose fields have no names but their labels, which
 * Outlook translates: these are the English ones, and a page in another language makes the
 * adapter report no compose form. The tests run against captures rebuilt from those
 * sources (test/content/captures/outlook-2026-12/), not saved from the live site.
 */

/** Outlook on the web for work (including its outlook.cloud.microsoft address) and Outlook.com. */
export const origins: readonly string[] = [
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.cloud.microsoft',
  'https://outlook.live.com',
];

/** The reading pane. */
export const readingPane = '[role="main"]';
/** A rendered message body (Mailvelope: `[id^="UniqueMessageBody_"]`); Cachet's reader takes its place. */
export const messageBody = '[id^="UniqueMessageBody"]';
/** A message's attachment list, one option per file (Mailvelope; `[role=listbox] [role=option]`). */
export const attachmentList = '[role="listbox"]';
export const attachment = '[role="option"]';
/** Each option names its file in its title and its text. */
export const attachmentNameAttribute = 'title';

/**
 * The message the address names: `/mail/<folder>/id/<id>`, a message opened on its own
 * (`/mail/deeplink/read/<id>`), or `?ItemID=<id>`. The id is Exchange's (EWS) form; one of
 * a message starts with AAMk (Microsoft 365) or AQMk (Outlook.com), while a conversation's
 * (AAQk, AQQk) names no one message and is not used.
 */
export const addressId = /\/(?:id|read)\/([^/?#]+)/;
export const addressIdParameter = 'ItemID';
export const messageId = /^A[AQ]Mk[A-Za-z0-9+/_-]{16,500}={0,2}$/;

/**
 * Graph names the same message by the URL-safe alphabet of the same base64: the form
 * Office.js `convertToRestId` gives and `GET /me/messages/{id}` takes.
 */
export function graphId(exchangeId: string): string {
  return exchangeId.replaceAll('/', '-').replaceAll('+', '_');
}

/** A compose form's editor (English label). */
export const editor = '[contenteditable="true"][aria-label="Message body"]';
/** Send; Cachet's button goes before it and its bar is hidden while Cachet's compose is open. */
export const sendButton = 'button[aria-label="Send"]';
export const toolbarItems = ':scope > :not([data-cachet])';
export const recipientFields = { to: 'To', cc: 'Cc', bcc: 'Bcc' } as const;
/** A recipient well; each resolved recipient in it carries the address in its title. */
export function recipientWell(label: string): string {
  return `[contenteditable="true"][aria-label="${label}"]`;
}
export const recipient = '[title*="@"]';
export const recipientAddressAttribute = 'title';
export const subjectField = 'input[aria-label="Add a subject"]';
/** The signed-in mailbox, the folder tree's root (Mailvelope `getUserInfo`). */
export const mailboxRoot = '[id^="primaryMailboxRoot"]';
export const mailboxAddressAttributes = ['data-folder-name', 'title'] as const;
/**
 * A reply or forward: Outlook's own prefixes on the subject (English), or the block Outlook
 * puts its quote of the original under.
 */
export const forwardSubject = /^\s*fwd?\s*:/i;
export const replySubject = /^\s*re\s*:/i;
export const quotedOriginal = '#divRplyFwdMsg';

/** Where the user goes once the message is sent: the mailbox (`/mail/`, or `/mail/0/` on Outlook.com). */
export const mailRoot = /^\/mail\/(?:\d+\/)?/;
export const defaultMailRoot = '/mail/';
