/**
 * The JMAP transport against a real JMAP server: Debian's Cyrus IMAP 3.6 on loopback
 * (native-host/tooling/jmap/cyrus.sh, started by test/support/jmap-setup.ts), submitting
 * to an SMTP server the test runs. The message Cyrus hands on is the one the composer
 * built, byte for byte, a copy lands in the Sent mailbox, the envelope is Cachet's (Bcc
 * included), a 25 MiB message arrives whole and `openssl cms` decrypts and verifies it, and
 * a message fetched by its Message-ID or its Email id opens in the background reader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyStore, userOptionsKey } from '../../../background/policy-store';
import { createJmapTransport } from '../../../background/transports/jmap-transport';
import type { MailTransport } from '../../../background/transports/transport';
import { memoryStorage } from '../../background/memory-storage';
import { rejectsWith } from '../support/rejects-with';
import { attachmentOf, smimeFixture, type SmimeFixture } from '../support/smime-fixture';
import { startSmtpSink, type Delivery } from './smtp-sink';

const site = 'https://webmail.example.test';
const jmapUrl = 'http://127.0.0.1:18080/';
const login = { user: 'alice', password: 'alice-secret' };
let sink: { deliveries: Delivery[]; close(): Promise<void> };
let fixture: SmimeFixture;
let transport: MailTransport;
let asked = 0;
let answer = login;

beforeAll(async () => {
  sink = await startSmtpSink(12525);
  fixture = smimeFixture();
  const policy = createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { siteTransports: [{ origin: site, send: 'jmap', fetch: 'jmap', jmapUrl }] } }));
  transport = createJmapTransport({
    policy, fetch: (input, init) => fetch(input, init),
    credentials: {
      login: () => {
        asked++;
        return Promise.resolve(answer);
      },
    },
  });
});
afterAll(async () => {
  await sink.close();
  fixture.remove();
});

const messageIdOf = (message: Uint8Array) => /Message-ID:\s*(<[^>]+>)/i.exec(Buffer.from(message).toString('latin1'))?.[1] ?? '';

describe('Cyrus JMAP', () => {
  it('uploads, imports into Sent and submits with Cachet\'s envelope; Cyrus sends the bytes as built', async () => {
    const { message } = await fixture.build({ attachmentBytes: 5000, subject: 'Through Cyrus' });
    const envelope = { from: 'rsa@example.org', to: ['dave@example.org', 'carol@example.org'] };
    expect(await transport.submit(site, message, envelope)).toEqual({ accepted: envelope.to, rejected: [], savedToSent: true });
    const delivery = sink.deliveries.at(-1);
    expect(delivery?.from).toBe('rsa@example.org');
    expect(delivery?.to).toEqual(['dave@example.org', 'carol@example.org']);
    expect(delivery?.data.equals(Buffer.from(message))).toBe(true);
    // The copy in Sent is the same message.
    expect(Buffer.from(await transport.fetchByMessageId(site, messageIdOf(message))).equals(Buffer.from(message))).toBe(true);
  });

  it('sends a 25 MiB message that arrives byte for byte and openssl cms decrypts and verifies', async () => {
    const { message, attachment } = await fixture.build({ attachmentBytes: 14_800_000 });
    expect(message.length).toBeGreaterThanOrEqual(25 * 1024 * 1024);
    await transport.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org'] });
    const delivery = sink.deliveries.at(-1);
    expect(delivery?.data.equals(Buffer.from(message))).toBe(true);
    const opened = fixture.openssl(new Uint8Array(delivery?.data ?? []));
    expect(opened.layers).toEqual(['signed', 'enveloped', 'signed']);
    expect(attachmentOf(opened.entity, 'figures.bin').equals(Buffer.from(attachment))).toBe(true);
  });

  it('fetches a message by its Message-ID, and it opens in the background reader', async () => {
    const { message } = await fixture.build({ attachmentBytes: 100, subject: 'Fetched from Cyrus' });
    await transport.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org'] });
    const fetched = await transport.fetchByMessageId(site, messageIdOf(message));
    const view = await (await fixture.reader()).open(fetched, 'extension');
    expect(view).toMatchObject({ encrypted: true, subject: 'Fetched from Cyrus' });
    expect(view.signers[0]?.status).toBe('good');
  });

  it('fetches by the JMAP Email id, and says when no message has a Message-ID', async () => {
    await rejectsWith(transport.fetchByMessageId(site, '<nobody-here@example.test>'), 'mail/not-found');
    await rejectsWith(transport.fetchByProviderId?.(site, 'Mffffffffffffffffffffffff') ?? Promise.resolve(), 'mail/not-found');
  });

  it('asks for the password again when Cyrus refuses it, and gives up after three tries', async () => {
    answer = { user: 'alice', password: 'wrong' };
    asked = 0;
    const { message } = await fixture.build({ attachmentBytes: 10 });
    const fresh = createJmapTransport({
      policy: createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { siteTransports: [{ origin: site, send: 'jmap', fetch: 'jmap', jmapUrl }] } })),
      fetch: (input, init) => fetch(input, init),
      credentials: { login: () => (asked++, Promise.resolve(answer)) },
    });
    await rejectsWith(fresh.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org'] }), 'mail/auth-failed');
    expect(asked).toBe(3);
    answer = login;
  });

  it('says the browser has not let Cachet reach the server, before any password is asked, and sends nothing', async () => {
    asked = 0;
    const checked: string[] = [];
    const sent = sink.deliveries.length;
    const { message } = await fixture.build({ attachmentBytes: 10 });
    const barred = createJmapTransport({
      policy: createPolicyStore(memoryStorage(), memoryStorage({ [userOptionsKey]: { siteTransports: [{ origin: site, send: 'jmap', fetch: 'jmap', jmapUrl }] } })),
      fetch: (input, init) => fetch(input, init),
      credentials: { login: () => (asked++, Promise.resolve(login)) },
      mayReach: (origin) => (checked.push(origin), Promise.resolve(false)),
    });
    await rejectsWith(barred.submit(site, message, { from: 'rsa@example.org', to: ['dave@example.org'] }), 'runtime/forbidden',
      /no permission to reach the JMAP server at 127\.0\.0\.1:18080: open Cachet's toolbar menu on https:\/\/webmail\.example\.test and choose "Allow access"/);
    await rejectsWith(barred.fetchByMessageId(site, '<any@example.org>'), 'runtime/forbidden');
    expect(checked).toEqual(['http://127.0.0.1:18080', 'http://127.0.0.1:18080']);
    expect(asked).toBe(0);
    expect(sink.deliveries.length).toBe(sent);
  });
});
