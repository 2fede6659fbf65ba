/**
 * The envelope the command line takes from a message: From, and To, Cc and Bcc read with
 * the MIME core's parser; the Message-ID; and the Sent mailbox chosen from a listing.
 */
import type { ListResponse } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { findSentMailbox } from '../../../native-host/mail/imap-sent-folder';
import { readMessageAddresses, readMessageId } from '../../../native-host/mail/message-addresses';
import { expectCachetError } from '../../support/expect-cachet-error';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text.replace(/\n/g, '\r\n'));

describe('message addresses', () => {
  it('reads From and every recipient, Bcc included, each once', () => {
    const message = bytes(`From: Alice <alice@example.test>
To: "Doe, Bob" <bob@example.test>,
 carol@example.test
Cc: =?UTF-8?Q?D=C3=A9sir=C3=A9e?= <desiree@example.test>; bob@example.test
Bcc: <dave@example.test>
Message-ID:
 <id.1@example.test>
Subject: To: not@a-recipient.test

To: nor@this.test
`);
    expect(readMessageAddresses(message)).toEqual({
      from: 'alice@example.test',
      recipients: ['bob@example.test', 'carol@example.test', 'desiree@example.test', 'dave@example.test'],
    });
    expect(readMessageId(message)).toBe('<id.1@example.test>');
  });

  it('has no From for a message with two, and no Message-ID when it is missing', () => {
    const message = bytes('From: a@example.test, b@example.test\nTo: c@example.test\n\nbody\n');
    expect(readMessageAddresses(message).from).toBeUndefined();
    expect(readMessageId(message)).toBeUndefined();
  });

  it('refuses a group or a comment, which it does not parse: recipients must then be given', () => {
    expectCachetError(() => readMessageAddresses(bytes('To: undisclosed-recipients:;\n\n')), 'input/invalid');
    expectCachetError(() => readMessageAddresses(bytes('To: bob@example.test (Bob)\n\n')), 'input/invalid');
  });
});

function mailbox(path: string, flags: string[] = [], specialUse?: string, specialUseSource?: 'extension' | 'name'): ListResponse {
  const name = path.split('.').pop() ?? path;
  return {
    path, pathAsListed: path, name, delimiter: '.', parent: [], parentPath: '', flags: new Set(flags), listed: true, subscribed: true,
    ...(specialUse ? { specialUse } : {}), ...(specialUseSource ? { specialUseSource } : {}),
  };
}

describe('the Sent mailbox', () => {
  it('is the one the server marks \\Sent', () => {
    expect(findSentMailbox([mailbox('INBOX'), mailbox('Sent'), mailbox('Gesendet', [], '\\Sent', 'extension')])).toBe('Gesendet');
  });

  it('is else the one named Sent, never a guess from another name or an unselectable one', () => {
    expect(findSentMailbox([mailbox('Sent Items', [], '\\Sent', 'name'), mailbox('INBOX.Sent')])).toBe('INBOX.Sent');
    expect(findSentMailbox([mailbox('Sent', ['\\Noselect']), mailbox('Sent Items', [], '\\Sent', 'name')])).toBeUndefined();
  });
});
