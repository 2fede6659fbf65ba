/**
 * What the command line and the host read from a message's own header: the sender and
 * recipients for the SMTP envelope when none are given, and the Message-ID. Parsed with
 * the MIME core's header reader and mailbox parser (src/mime), which keep to the forms
 * Cachet writes; a group or a comment in an address field is refused, and the caller must
 * name the recipients instead.
 */
import { CachetError } from '../../src/errors';
import { parseHeaderBlock } from '../../src/mime/header-fields';
import { parseMailbox, splitAddressList } from '../../src/mime/mailbox-list';
import type { HeaderField } from '../../src/mime/types';

/** A message's header holds a few dozen fields; more is not a message Cachet sent. */
const MAX_FIELDS = 1000;

export interface MessageAddresses {
  /** The From address, when the field holds exactly one mailbox. */
  readonly from: string | undefined;
  /** To, Cc and Bcc addresses in that order, each once. */
  readonly recipients: readonly string[];
}

function headerFields(message: Uint8Array): readonly HeaderField[] {
  return parseHeaderBlock(message, 0, message.length, MAX_FIELDS).fields;
}

function addressesOf(fields: readonly HeaderField[], name: string): string[] {
  return fields
    .filter((f) => f.name.toLowerCase() === name)
    .flatMap((f) => splitAddressList(f.value))
    .map((entry) => {
      try {
        return parseMailbox(entry).address;
      } catch {
        throw new CachetError('input/invalid', `the ${name} field holds ${JSON.stringify(entry.slice(0, 80))}, which is not a plain address; give the recipients explicitly`);
      }
    });
}

export function readMessageAddresses(message: Uint8Array): MessageAddresses {
  const fields = headerFields(message);
  const from = addressesOf(fields, 'from');
  const recipients = ['to', 'cc', 'bcc'].flatMap((name) => addressesOf(fields, name));
  return { from: from.length === 1 ? from[0] : undefined, recipients: [...new Set(recipients)] };
}

/** The msg-id of the Message-ID field (RFC 5322 §3.6.4), angle brackets included. */
export function readMessageId(message: Uint8Array): string | undefined {
  const field = headerFields(message).find((f) => f.name.toLowerCase() === 'message-id');
  return field ? /<[^<>\s]+>/.exec(field.value)?.[0] : undefined;
}
