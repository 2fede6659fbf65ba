/**
 * Writes a whole message (RFC 5322 + MIME): the origination, destination and
 * identification fields, MIME-Version, then the root entity from `build-entity.ts`.
 * Bcc is never written: it would disclose blind recipients to everyone.
 */

import { CachetError } from '../errors';
import { buildEntityChunks } from './build-entity';
import type { BuildOptions, MimeNode } from './build-types';
import { asciiBytes, concatBytes } from './byte-sink';
import {
  assertFieldName,
  encodeAddressField,
  encodeStructuredField,
  encodeUnstructuredField,
  formatDate,
  type Mailbox,
} from './encode-header';

export interface ExtraField {
  readonly name: string;
  /** Unstructured text; encoded words are used where it is not plain ASCII. */
  readonly value: string;
}

export interface MessageHeaders {
  readonly from: Mailbox | readonly Mailbox[];
  /** Required by RFC 5322 §3.6.2 when there is more than one From mailbox. */
  readonly sender?: Mailbox;
  readonly replyTo?: readonly Mailbox[];
  readonly to?: readonly Mailbox[];
  readonly cc?: readonly Mailbox[];
  readonly subject?: string;
  /** Default: now. Written in UTC. */
  readonly date?: Date;
  /** `<id@domain>` (angle brackets optional); generated from `random` when absent. */
  readonly messageId?: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** Further unstructured fields, e.g. X-Mailer. May not repeat a field written here. */
  readonly extra?: readonly ExtraField[];
}

/** Fields this module writes itself; `extra` may not add a second one. */
const OWN_FIELDS = new Set([
  'from', 'sender', 'reply-to', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'in-reply-to',
  'references', 'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition',
  'content-id', 'content-description',
]);

/** RFC 5322 §3.6.4 msg-id: `<id-left@id-right>` with dot-atom-text parts (or a literal right). */
const MSG_ID = /^<[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*@(?:[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*|\[[\x21-\x5a\x5e-\x7e]*\])>$/;

/** True for a msg-id in its angle brackets that `normalizeMessageId` takes as it is. */
export function isMessageId(id: string): boolean {
  return id.length <= 250 && MSG_ID.test(id);
}

export function normalizeMessageId(id: string): string {
  const bracketed = id.startsWith('<') ? id : `<${id}>`;
  if (!isMessageId(bracketed)) {
    throw new CachetError('input/invalid', `invalid message id ${JSON.stringify(id.slice(0, 80))}`);
  }
  return bracketed;
}

/** A fresh Message-ID: 128 random bits at the sender's domain (RFC 5322 §3.6.4). */
export function generateMessageId(options: BuildOptions, from: Mailbox): string {
  const bytes = options.random(new Uint8Array(16));
  let left = '';
  for (const byte of bytes) left += byte.toString(16).padStart(2, '0');
  const domain = from.address.slice(from.address.lastIndexOf('@') + 1);
  const right = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/.test(domain) ? domain : 'cachet.invalid';
  return normalizeMessageId(`${left}@${right}`);
}

function messageFields(headers: MessageHeaders, options: BuildOptions): string[] {
  const from = Array.isArray(headers.from) ? (headers.from as readonly Mailbox[]) : [headers.from as Mailbox];
  const firstFrom = from[0];
  if (firstFrom === undefined) throw new CachetError('input/invalid', 'From needs at least one mailbox');
  if (from.length > 1 && headers.sender === undefined) {
    throw new CachetError('input/invalid', 'several From mailboxes need a Sender (RFC 5322 §3.6.2)');
  }
  const fields = [encodeStructuredField('Date', formatDate(headers.date ?? new Date())), encodeAddressField('From', from)];
  if (headers.sender) fields.push(encodeAddressField('Sender', [headers.sender]));
  if (headers.replyTo?.length) fields.push(encodeAddressField('Reply-To', headers.replyTo));
  if (headers.to?.length) fields.push(encodeAddressField('To', headers.to));
  if (headers.cc?.length) fields.push(encodeAddressField('Cc', headers.cc));
  if (headers.subject !== undefined) fields.push(encodeUnstructuredField('Subject', headers.subject));
  const messageId = headers.messageId === undefined ? generateMessageId(options, firstFrom) : normalizeMessageId(headers.messageId);
  fields.push(encodeStructuredField('Message-ID', messageId));
  if (headers.inReplyTo !== undefined) fields.push(encodeStructuredField('In-Reply-To', normalizeMessageId(headers.inReplyTo)));
  if (headers.references?.length) {
    fields.push(encodeStructuredField('References', headers.references.map(normalizeMessageId).join(' ')));
  }
  for (const field of headers.extra ?? []) {
    assertFieldName(field.name);
    if (OWN_FIELDS.has(field.name.toLowerCase())) {
      throw new CachetError('input/invalid', `${field.name} is written by the builder, not as an extra field`);
    }
    fields.push(encodeUnstructuredField(field.name, field.value));
  }
  fields.push('MIME-Version: 1.0\r\n');
  return fields;
}

/** The complete message as octets: 7-bit headers, CRLF line ends, no line over 998. */
export function buildMessage(root: MimeNode, headers: MessageHeaders, options: BuildOptions): Uint8Array {
  const fields = messageFields(headers, options);
  const entity = buildEntityChunks(root, options);
  // A prebuilt root carries its own header block; its fields follow the message's.
  const head = entity.headers.length === 0 ? fields.join('') : fields.join('') + entity.headers.join('') + '\r\n';
  return concatBytes([asciiBytes(head), ...entity.body]);
}
