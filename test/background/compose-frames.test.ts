import { describe, expect, it } from 'vitest';
import { createComposeFrames, type ComposeSlot } from '../../background/compose-frames';
import { memoryStorage } from './memory-storage';

const fields = { from: 'Alice <alice@example.test>', to: ['bob@example.test'], cc: [], bcc: [], subject: 'Hi' };
const entry: Omit<ComposeSlot, 'slot'> = { tabId: 4, contentFrameId: 0, site: 'http://127.0.0.1:8025', mode: 'new', fields };

function setup() {
  let n = 0;
  const session = memoryStorage();
  const frames = createComposeFrames('chrome-extension://id/compose.html', session, () => `token${++n}token${n}token${n}xx`);
  return { frames, session };
}

describe('compose frames', () => {
  it('gives a one-time token for the asking tab and keeps the slot for sending', async () => {
    const { frames } = setup();
    const { url, slot } = await frames.open(entry);
    const token = url.split('#')[1] ?? '';
    expect(url.startsWith('chrome-extension://id/compose.html#')).toBe(true);
    await expect(frames.redeem(token, 5)).rejects.toMatchObject({ code: 'runtime/forbidden' });
    const redeemed = await frames.redeem(token, 4);
    expect(redeemed).toMatchObject({ slot, site: entry.site, fields });
    // A token redeems once.
    await expect(frames.redeem(token, 4)).rejects.toMatchObject({ code: 'runtime/forbidden' });
    expect(await frames.slot(slot, 4)).toMatchObject({ slot, tabId: 4 });
  });

  it('refuses a slot to another tab, before its frame redeemed it, and after it closed', async () => {
    const { frames } = setup();
    const { url, slot } = await frames.open(entry);
    await expect(frames.slot(slot, 4)).rejects.toMatchObject({ code: 'runtime/forbidden' });
    await frames.redeem(url.split('#')[1] ?? '', 4);
    await expect(frames.slot(slot, 9)).rejects.toMatchObject({ code: 'runtime/forbidden' });
    await frames.close(slot);
    await expect(frames.slot(slot, 4)).rejects.toMatchObject({ code: 'runtime/forbidden' });
  });

  it('survives the service worker: a new instance over the same session storage finds the slot', async () => {
    const { frames, session } = setup();
    const { url, slot } = await frames.open(entry);
    await frames.redeem(url.split('#')[1] ?? '', 4);
    const again = createComposeFrames('chrome-extension://id/compose.html', session, () => 'unused');
    expect(await again.slot(slot, 4)).toMatchObject({ slot });
  });

  it('keeps a bounded number of slots, dropping the oldest', async () => {
    const { frames, session } = setup();
    const opened = [];
    for (let i = 0; i < 40; i++) opened.push(await frames.open(entry));
    const stored = session.data['composeSlots'] as Record<string, unknown>;
    expect(Object.keys(stored)).toHaveLength(32);
    expect(stored[opened[0]?.slot ?? '']).toBeUndefined();
    expect(stored[opened[39]?.slot ?? '']).toBeDefined();
  });
});
