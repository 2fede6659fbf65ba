/**
 * Everything the Roundcube adapter knows of Roundcube's pages. Taken 2026-12-07 from
 * Roundcube 1.6.5 (Debian 12's roundcube-core) with the default Elastic skin: the
 * templates skins/elastic/templates/{mail,message,compose}.html and
 * program/actions/mail/{show,compose}.php. Tests run the adapter against page captures
 * of that version (test/content/captures/roundcube-1.6.5/).
 */

/** Roundcube's client script: present on every page Roundcube renders. */
export const appScript = 'script[src*="program/js/app"]';
/** Elastic marks the page's task and action on <body>, e.g. "task-mail action-show". */
export const bodyTaskClass = /\btask-([a-z]+)\b/;
export const bodyActionClass = /\baction-([a-z-]+)\b/;

/** The message views: the full view (`show`) and the preview pane's frame (`preview`). */
export const messageActions: readonly string[] = ['show', 'preview'];
/** The element holding the rendered body; Cachet's reader takes its place. */
export const messageBody = '#messagebody';
/** The attachment list of the message view, one <li> per part with its file name. */
export const attachmentItems = '#attachment-list li';
export const attachmentName = '.attachment-name';
/**
 * Roundcube adds the li's classes from the part's media type (rcube_utils::file2class).
 * Its "encrypted message" notice is not used: it shows the same for PGP/MIME.
 */
export const encryptedClass = /\bpkcs7-mime\b/;
export const signatureClass = /\bpkcs7-signature\b/;

/**
 * The mailbox view's message list (program/js/app.js, 1.6.5): one row per message, its id
 * "rcmrow" and the UID in Roundcube's html_identifier form (base64url without padding),
 * class "selected" once the user selected it. Messages of type application/pkcs7-mime and
 * multipart/encrypted get an "encrypted" icon in the row (app.js add_message_row).
 */
export const selectedListRows = '#messagelist tr.message.selected';
export const encryptedRowIcon = 'span.encrypted';
export const listRowId = /^rcmrow([A-Za-z0-9_-]{1,64})$/;
/**
 * A clear-signed message (multipart/signed) gets the same paperclip as any message with
 * attachments (app.js tests its type against /multipart\/(m|signed)/), and the row shows
 * its size (rcmail_action::show_bytes: "51 KB", whole KB below 1 MB). Such a row is read
 * ahead only while it is that small, when a needless fetch costs little.
 */
export const attachmentRowIcon = 'span.attachment > span.attachment';
export const rowSize = 'span.size';
export const smallRowSize = /^(\d{1,4}) ?(B|KB|kB|KiB)$/;

/** The compose page. */
export const composeAction = 'compose';
/**
 * Elastic's script rebuilds the template's #messagetoolbar as the list #toolbar-menu; the
 * template's id is kept for a page whose scripts have not run yet.
 */
export const composeToolbar = '#toolbar-menu, #messagetoolbar';
/** The editor area Cachet's compose frame stands in for (plain and HTML editors). */
export const composeEditor = '#composebodycontainer';
/**
 * Hidden while Cachet's compose is open: Roundcube's own Send below the editor, and its
 * sidebar of attachments and sending options, which would not reach Cachet's message.
 */
export const composeHiddenWhileSecure = '.formbuttons, #layout-sidebar';
/**
 * The compose toolbar's own items, hidden as well (checked 2026-12-07 against 1.6.5's
 * compose.html): Save, Attach, Signature, Responses, the spell checker, Mailvelope's
 * Encrypt, the small screens' "Options and attachments", and whatever a plugin adds to
 * the toolbar. Each works on Roundcube's form, which Cachet's frame stands in for; a
 * draft saved from it would hold the form without Cachet's text. Cachet's own item stays.
 */
export const composeToolbarItems = ':scope > :not([data-cachet])';
export const fromField = 'select[name="_from"], input[name="_from"]';
export const toField = 'textarea[name="_to"], input[name="_to"]';
export const ccField = 'textarea[name="_cc"], input[name="_cc"]';
export const bccField = 'textarea[name="_bcc"], input[name="_bcc"]';
export const subjectField = 'input[name="_subject"]';

/**
 * Page settings Roundcube writes as `rcmail.set_env({...})` in an inline script: the
 * message's UID and folder, the request token the raw-source URL needs, the compose mode.
 */
export const envScript = 'script:not([src])';
export const envCall = 'rcmail.set_env(';

/** The raw-source URL: without `_save=1` Roundcube rewrites line ends, which breaks signatures. */
export function viewSourcePath(uid: string, mailbox: string, token: string): string {
  const query = new URLSearchParams({ _task: 'mail', _action: 'viewsource', _uid: uid, _mbox: mailbox, _save: '1', _token: token });
  return `./?${query.toString()}`;
}

/**
 * The UID in the Drafts folder of the draft saved from this compose form. Roundcube fills
 * it in each time it saves the form (program/js/app.js set_draft_id, 1.6.5), and on its
 * own send asks the server to delete that draft (program/actions/mail/send.php).
 */
export const draftUidField = 'input[name="_draft_saveid"]';

/**
 * Deletes messages for good, as the page's own script does (program/actions/mail/delete.php,
 * 1.6.5): a POST with `_remote=1` and the request token in Roundcube's request header.
 */
export const deleteMessagePath = './?_task=mail&_action=delete';
export const requestTokenHeader = 'X-Roundcube-Request';
export function deleteMessageForm(uid: string, mailbox: string): Record<string, string> {
  return { _uid: uid, _mbox: mailbox, _remote: '1' };
}

/** Where the user goes after sending: the mailbox list. */
export function mailboxPath(mailbox: string): string {
  return `./?${new URLSearchParams({ _task: 'mail', _mbox: mailbox }).toString()}`;
}
