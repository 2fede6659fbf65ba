/**
 * The compose frame's Send in the background: a failure anywhere keeps the frame's slot
 * (the draft stays sendable), and a missing signing key makes the next Send ask the host
 * for the user's identities afresh, so a card put back is found at once (B19).
 */
import { describe, expect, it } from 'vitest';
import { createComposeFrames } from '../../background/compose-frames';
import { composeSend } from '../../background/handlers/compose-send';
import type { BackgroundServices } from '../../background/services';
import type { SenderClass } from '../../background/sender';
import type { MailTransport } from '../../background/transports/transport';
import { CachetError } from '../../src/errors';
import type { ComposeRequest } from '../../src/protocol/runtime';
import { memoryStorage } from './memory-storage';

const message: ComposeRequest = {
  from: 'alice@example.test', to: ['bob@example.test'], cc: [], bcc: [], subject: 'Salaries', text: 'bands attached',
  attachments: [], sign: true, encrypt: true, encryptDespiteMissing: false,
};
const site = 'http://127.0.0.1:8025';

/** Each build and each submit takes the next outcome: an error to throw, or success. */
async function setup(builds: (CachetError | 'ok')[], submits: (CachetError | 'ok')[] = []) {
  let n = 0;
  const composeFrames = createComposeFrames('chrome-extension://id/compose.html', memoryStorage(), () => `token${++n}token${n}token${n}xx`);
  const { url, slot } = await composeFrames.open({ tabId: 4, contentFrameId: 0, site, mode: 'new', fields: { from: '', to: [], cc: [], bcc: [], subject: '' } });
  await composeFrames.redeem(url.split('#')[1] ?? '', 4);
  const seen = { invalidated: 0, submitted: 0, notified: 0 };
  const next = (outcomes: (CachetError | 'ok')[]) => {
    const outcome = outcomes.shift() ?? 'ok';
    if (outcome !== 'ok') throw outcome;
  };
  const transport: MailTransport = {
    submit() {
      seen.submitted++;
      next(submits);
      return Promise.resolve({ accepted: ['bob@example.test'], rejected: [], savedToSent: true });
    },
    fetchByMessageId: () => Promise.reject(new Error('not used')),
  };
  const services = {
    composeFrames,
    composer: {
      recipients: () => Promise.resolve([]),
      build: () => {
        next(builds);
        return Promise.resolve({ message: new Uint8Array([1]), fileName: 'm.eml' });
      },
    },
    identities: {
      invalidate: () => {
        seen.invalidated++;
      },
    },
    transport,
    notifyTab: () => {
      seen.notified++;
      return Promise.resolve();
    },
  } as unknown as BackgroundServices;
  const sender: SenderClass = { kind: 'secure-frame', page: '/compose.html', tabId: 4, frameId: 3 };
  const handler = composeSend(services);
  return { send: () => handler({ slot, message }, sender), seen, slotAlive: () => composeFrames.slot(slot, 4).then(() => true, () => false) };
}

describe('compose/send', () => {
  it('asks the host for identities afresh after the card was missing, and sends once it is back', async () => {
    const { send, seen, slotAlive } = await setup([new CachetError('key/unavailable', 'that certificate is no longer available')]);
    await expect(send()).rejects.toMatchObject({ code: 'key/unavailable' });
    expect(seen).toEqual({ invalidated: 1, submitted: 0, notified: 0 });
    expect(await slotAlive()).toBe(true);
    await expect(send()).resolves.toMatchObject({ rejected: [] });
    expect(seen).toEqual({ invalidated: 1, submitted: 1, notified: 1 });
    expect(await slotAlive()).toBe(false);
  });

  it('does the same for a token that went away during signing', async () => {
    const { send, seen } = await setup([new CachetError('token/removed', 'signing: the token Alice card was removed')]);
    await expect(send()).rejects.toMatchObject({ code: 'token/removed' });
    expect(seen.invalidated).toBe(1);
  });

  it('keeps the identities and the draft when the mail server fails', async () => {
    const { send, seen, slotAlive } = await setup([], [new CachetError('mail/unreachable', 'SMTP server 127.0.0.1:9 cannot be reached')]);
    await expect(send()).rejects.toMatchObject({ code: 'mail/unreachable' });
    expect(seen).toEqual({ invalidated: 0, submitted: 1, notified: 0 });
    expect(await slotAlive()).toBe(true);
  });

  it('keeps the identities for failures that are not about the key', async () => {
    const { send, seen } = await setup([new CachetError('cms/no-recipient', 'no usable certificate for bob@example.test')]);
    await expect(send()).rejects.toMatchObject({ code: 'cms/no-recipient' });
    expect(seen).toEqual({ invalidated: 0, submitted: 0, notified: 0 });
  });
});
