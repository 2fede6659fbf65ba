/**
 * The plain RFC 5322 message a compose request describes, before any S/MIME layer:
 * From, To, Cc, Subject (encoded words where needed, RFC 2047), Date, Message-ID; the
 * text, with an HTML alternative when given (RFC 2046 §5.1.4: the richer part last);
 * attachments with any Unicode name (RFC 2231). Bcc recipients are checked here but
 * never written: they would be disclosed to everyone (RFC 5322 §3.6.3).
 */
import { CachetError } from '../../src/errors';
import { buildMessage } from '../../src/mime/build-message';
import type { AttachmentNode, MimeNode, RandomSource, TextNode } from '../../src/mime/build-types';
import type { Mailbox } from '../../src/mime/encode-header';
import { parseMailbox } from '../../src/mime/mailbox-list';
import type { ComposeAttachment, ComposeRequest } from '../../src/protocol/runtime';
import { base64ToBytes } from '../../src/protocol/runtime-bytes';

export interface MessageAddresses {
  readonly from: Mailbox;
  readonly to: readonly Mailbox[];
  readonly cc: readonly Mailbox[];
  readonly bcc: readonly Mailbox[];
}

function mailboxes(list: readonly string[]): Mailbox[] {
  return list.map(parseMailbox);
}

/** Every address of the request parsed; throws `input/invalid` naming the first bad one. */
export function messageAddresses(request: ComposeRequest): MessageAddresses {
  const addresses = { from: parseMailbox(request.from), to: mailboxes(request.to), cc: mailboxes(request.cc), bcc: mailboxes(request.bcc) };
  if (addresses.to.length + addresses.cc.length + addresses.bcc.length === 0) {
    throw new CachetError('input/invalid', 'add at least one recipient');
  }
  return addresses;
}

/**
 * The last segment of a picked file's name, without control characters: a name is shown
 * and saved by the recipient's mail program, and a path in it is at best noise.
 */
function attachmentName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const base = (name.split(/[\\/]/).at(-1) ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim();
  return base === '' ? 'attachment' : base;
}

function attachment(file: ComposeAttachment): AttachmentNode {
  return { kind: 'attachment', content: base64ToBytes(file.data), filename: attachmentName(file.fileName), contentType: file.mediaType };
}

function bodyNode(request: ComposeRequest): MimeNode {
  const text: TextNode = { kind: 'text', subtype: 'plain', text: request.text };
  const body: MimeNode = request.html === undefined
    ? text
    : { kind: 'multipart', subtype: 'alternative', parts: [text, { kind: 'text', subtype: 'html', text: request.html }] };
  if (request.attachments.length === 0) return body;
  return { kind: 'multipart', subtype: 'mixed', parts: [body, ...request.attachments.map(attachment)] };
}

export interface MessageOptions {
  readonly random: RandomSource;
  readonly date: Date;
  /** Write every part 7-bit and canonical, as content to be signed must be (RFC 8551 §3.1). */
  readonly forSigning: boolean;
}

export function composeMessage(request: ComposeRequest, addresses: MessageAddresses, options: MessageOptions): Uint8Array {
  return buildMessage(bodyNode(request), {
    from: addresses.from,
    to: addresses.to,
    cc: addresses.cc,
    subject: request.subject,
    date: options.date,
    ...(request.inReplyTo !== undefined ? { inReplyTo: request.inReplyTo } : {}),
    ...(request.references?.length ? { references: request.references } : {}),
  }, { random: options.random, forSigning: options.forSigning });
}
