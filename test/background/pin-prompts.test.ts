import { describe, expect, it, vi } from 'vitest';
import { createPinPrompts, type PinChannel } from '../../background/pin-prompts';
import { isCachetError } from '../../src/errors';
import type { KeyUsePurpose, PinResult } from '../../src/protocol/runtime';

const fresh = { countLow: false, finalTry: false, locked: false };
const needed = (promptId: string) => ({ promptId, token: { label: 'Bob card', serial: '42' }, pin: fresh, timeoutSeconds: 60 });

const sending: KeyUsePurpose = { operation: 'sign', subject: 'Quarterly figures', recipients: ['bob@example.org'] };

function setup(results: PinResult[], purposes: readonly KeyUsePurpose[] = [sending]) {
  const provided: [string, string][] = [];
  const cancelled: string[] = [];
  const channel: PinChannel = {
    provide: (promptId, pin) => {
      provided.push([promptId, pin]);
      const next = results.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('unexpected'));
    },
    cancel: (promptId) => {
      cancelled.push(promptId);
      return Promise.resolve();
    },
  };
  const opened: string[] = [];
  const prompts = createPinPrompts(channel, (id) => {
    opened.push(id);
    return Promise.resolve();
  }, () => purposes);
  return { prompts, provided, cancelled, opened };
}

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return isCachetError(error) ? error.code : 'other';
  }
}

describe('PIN prompts', () => {
  it('opens the PIN page for a prompt and describes it', async () => {
    const { prompts, opened } = setup([]);
    await prompts.announce(needed('p1'));
    expect(opened).toEqual(['p1']);
    expect(prompts.info('p1')).toEqual({ tokenLabel: 'Bob card', tokenSerial: '42', pin: fresh, purposes: [sending] });
  });

  it('names every signing and decryption running, so the user sees what the card is unlocked for', async () => {
    const reading: KeyUsePurpose = { operation: 'decrypt', subject: 'Offer', from: 'alice@example.org' };
    const { prompts } = setup([], [sending, reading]);
    await prompts.announce(needed('p1'));
    expect(prompts.info('p1').purposes).toEqual([sending, reading]);
  });

  it('refuses a PIN request that no signing or decryption started by the user explains', async () => {
    const { prompts, opened, cancelled } = setup([], []);
    await prompts.announce(needed('p1'));
    expect(opened).toEqual([]);
    expect(cancelled).toEqual(['p1']);
    expect(codeOf(() => prompts.info('p1'))).toBe('input/invalid');
  });

  it('hands the PIN to the native channel and closes the prompt when accepted', async () => {
    const { prompts, provided } = setup([{ result: 'accepted', pin: fresh }]);
    await prompts.announce(needed('p1'));
    expect(await prompts.provide('p1', '1234')).toEqual({ result: 'accepted', pin: fresh });
    expect(provided).toEqual([['p1', '1234']]);
    expect(codeOf(() => prompts.info('p1'))).toBe('input/invalid');
  });

  it('keeps the prompt open after a wrong PIN, with the new try counters', async () => {
    const low = { countLow: true, finalTry: false, locked: false };
    const { prompts } = setup([{ result: 'incorrect', pin: low }]);
    await prompts.announce(needed('p1'));
    await prompts.provide('p1', '0000');
    expect(prompts.info('p1').pin).toEqual(low);
  });

  it('refuses a PIN for a prompt that is not open, without touching the channel', async () => {
    const { prompts, provided } = setup([]);
    await expect(prompts.provide('nope', '1234')).rejects.toSatisfy((e) => isCachetError(e) && e.code === 'input/invalid');
    expect(provided).toEqual([]);
  });

  it('cancels through the channel and forgets the prompt', async () => {
    const { prompts, cancelled } = setup([]);
    await prompts.announce(needed('p1'));
    await prompts.cancel('p1');
    expect(cancelled).toEqual(['p1']);
    expect(codeOf(() => prompts.info('p1'))).toBe('input/invalid');
  });

  it('forgets a prompt the host closed', async () => {
    const { prompts } = setup([]);
    await prompts.announce(needed('p1'));
    prompts.closed('p1');
    expect(codeOf(() => prompts.info('p1'))).toBe('input/invalid');
  });

  it('bounds the number of open prompts', async () => {
    const { prompts } = setup([]);
    for (let i = 0; i < 16; i++) await prompts.announce(needed(`p${i}`));
    const open = vi.fn();
    await expect(prompts.announce(needed('p16')).then(open)).rejects.toBeInstanceOf(Error);
    expect(open).not.toHaveBeenCalled();
  });
});
