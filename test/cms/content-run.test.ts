/** A run of content pieces whose last pieces arrive later (content-run.ts). */
import { describe, expect, it } from 'vitest';
import { contentReader, contentRun, wholeContent } from '../../src/cms/content-run';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (octets: Uint8Array): string => new TextDecoder().decode(octets);

describe('contentReader', () => {
  it('hands out slices across pieces at once, and waits only for slices reaching into the rest', async () => {
    let arrive: (pieces: Uint8Array[]) => void = () => undefined;
    const rest = new Promise<Uint8Array[]>((resolve) => { arrive = resolve; });
    const take = contentReader({ length: 12, pieces: [bytes('abc'), bytes('defg')], rest });
    expect(text(take(2) as Uint8Array)).toBe('ab');
    expect(text(take(4) as Uint8Array)).toBe('cdef');
    const waiting = take(4);
    const after = take(2);
    expect(waiting).toBeInstanceOf(Promise);
    arrive([bytes('hij'), bytes('kl')]);
    expect(text(await waiting)).toBe('ghij');
    expect(text(await after)).toBe('kl');
  });

  it('refuses content longer or shorter than announced', async () => {
    const long = contentReader({ length: 4, pieces: [bytes('ab')], rest: Promise.resolve([bytes('cde')]) });
    expect(text(long(2) as Uint8Array)).toBe('ab');
    await expect(Promise.resolve(long(2))).rejects.toMatchObject({ code: 'input/invalid' });
    const short = contentReader(contentRun([bytes('ab')]));
    expect(() => short(3)).toThrow(expect.objectContaining({ code: 'input/invalid' }) as Error);
    await expect(wholeContent({ length: 5, pieces: [bytes('ab')], rest: Promise.resolve([bytes('c')]) })).rejects.toMatchObject({ code: 'input/invalid' });
  });

  it('passes on a rest that failed (a signature that could not be made)', async () => {
    const failure = new Error('the token was removed');
    const take = contentReader({ length: 4, pieces: [bytes('ab')], rest: Promise.reject(failure) });
    await expect(Promise.resolve(take(4))).rejects.toBe(failure);
  });
});
