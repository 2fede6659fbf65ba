/**
 * Chunking of native messages (src/protocol/framing.ts): every frame stays under the
 * limit whatever the content, and reassembly gives back the message exactly.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkAssembler, encodeFrames, frameMessages, MAX_FRAME_BYTES, utf8Length } from '../../src/protocol/framing';

/** The message the frames make, each taken as the receiver parses it; none before the last. */
function reassemble(frames: readonly string[]): unknown {
  const assembler = new ChunkAssembler();
  let back: unknown;
  frames.forEach((frame, n) => {
    const out = assembler.accept(JSON.parse(frame));
    if (n < frames.length - 1) expect(out).toBeUndefined();
    else back = out;
  });
  expect(assembler.pendingRuns).toBe(0);
  return back;
}

function roundTrip(message: unknown, maxFrameBytes: number): { frames: string[]; back: unknown } {
  const frames = encodeFrames(message, 'run-1', maxFrameBytes);
  return { frames, back: reassemble(frames) };
}

describe('native framing', () => {
  it('sends a small message as one frame, unchanged', () => {
    const message = { kind: 'request', id: 1, type: 'hello', req: { protocol: 2, extensionVersion: '1' } };
    const { frames, back } = roundTrip(message, MAX_FRAME_BYTES);
    expect(frames).toHaveLength(1);
    expect(back).toEqual(message);
  });

  it('splits a 3 MiB message into frames under 1 MiB and puts it back together', () => {
    const message = { kind: 'response', id: 7, ok: true, res: { data: 'A'.repeat(3 * 1024 * 1024) } };
    const { frames, back } = roundTrip(message, MAX_FRAME_BYTES);
    expect(frames.length).toBeGreaterThanOrEqual(4);
    for (const f of frames) expect(Buffer.byteLength(f, 'utf8')).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(back).toEqual(message);
  });

  it('keeps every frame under the limit for any text, including escapes and astral characters', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.integer({ min: 200, max: 2000 }), (text, limit) => {
      const message = { kind: 'event', event: 'pin/closed', data: { text } };
      const { frames, back } = roundTrip(message, limit);
      for (const f of frames) expect(Buffer.byteLength(f, 'utf8')).toBeLessThanOrEqual(limit);
      expect(back).toEqual(message);
    }), { numRuns: 200 });
  });

  it('counts rather than encodes ASCII slices, and still keeps quotes and backslashes under the limit', () => {
    const asciiText = fc.string({ unit: fc.constantFrom('"', '\\', 'A', '/', '+', '=', '{', ':', '\u007f'), maxLength: 4000 });
    fc.assert(fc.property(asciiText, fc.integer({ min: 200, max: 2000 }), (text, limit) => {
      const message = { kind: 'request', id: 3, type: 'mail/send', req: { message: text } };
      const { frames, back } = roundTrip(message, limit);
      for (const f of frames) expect(Buffer.byteLength(f, 'utf8')).toBeLessThanOrEqual(limit);
      expect(back).toEqual(message);
    }), { numRuns: 300 });
  });

  it('gives the browser port the frames it writes as text, as values', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), fc.integer({ min: 200, max: 2000 }), (text, limit) => {
      const message = { kind: 'request', id: 9, type: 'mail/send', req: { message: text } };
      const values = frameMessages(message, 'run-1', limit);
      // The text frames are exactly what JSON.stringify makes of the value frames.
      expect(values.map((v) => JSON.stringify(v))).toEqual(encodeFrames(message, 'run-1', limit));
    }), { numRuns: 200 });
    const small = { kind: 'request', id: 1, type: 'hello', req: {} };
    expect(frameMessages(small, 'run-2')).toEqual([small]);
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }));
  });

  it('rejects chunks out of order, a run that does not start at 0, and a run over the size limit', () => {
    const assembler = new ChunkAssembler({ maxMessageChars: 10, maxPending: 2 });
    expect(() => assembler.accept({ kind: 'chunk', id: 'a', index: 1, count: 2, data: 'x' })).toThrow(expect.objectContaining({ code: 'native/bad-frame' }));
    assembler.accept({ kind: 'chunk', id: 'b', index: 0, count: 3, data: '{' });
    expect(() => assembler.accept({ kind: 'chunk', id: 'b', index: 2, count: 3, data: '}' })).toThrow(expect.objectContaining({ code: 'native/bad-frame' }));
    expect(assembler.pendingRuns).toBe(0);
    assembler.accept({ kind: 'chunk', id: 'c', index: 0, count: 2, data: '"12345' });
    expect(() => assembler.accept({ kind: 'chunk', id: 'c', index: 1, count: 2, data: '678901"' })).toThrow(expect.objectContaining({ code: 'native/frame-too-large' }));
  });

  it('limits the chunk runs open at once', () => {
    const assembler = new ChunkAssembler({ maxMessageChars: 100, maxPending: 2 });
    assembler.accept({ kind: 'chunk', id: 'a', index: 0, count: 2, data: '1' });
    assembler.accept({ kind: 'chunk', id: 'b', index: 0, count: 2, data: '1' });
    expect(() => assembler.accept({ kind: 'chunk', id: 'c', index: 0, count: 2, data: '1' })).toThrow(expect.objectContaining({ code: 'native/busy' }));
    expect(assembler.accept({ kind: 'chunk', id: 'a', index: 1, count: 2, data: '2' })).toBe(12);
  });

  it('reports a completed run that is not JSON as native/bad-json', () => {
    const assembler = new ChunkAssembler();
    assembler.accept({ kind: 'chunk', id: 'a', index: 0, count: 2, data: '{"a":' });
    expect(() => assembler.accept({ kind: 'chunk', id: 'a', index: 1, count: 2, data: '' })).toThrow(expect.objectContaining({ code: 'native/bad-json' }));
  });

  it('rejects chunk frames with wrong field types', () => {
    const assembler = new ChunkAssembler();
    for (const bad of [
      { kind: 'chunk', id: 5, index: 0, count: 2, data: '' },
      { kind: 'chunk', id: 'a', index: -1, count: 2, data: '' },
      { kind: 'chunk', id: 'a', index: 0, count: 1, data: '' },
      { kind: 'chunk', id: 'a', index: 0, count: 2, data: 3 },
      { kind: 'chunk', id: 'a', index: 0, count: 2, data: '', extra: true },
    ]) {
      expect(() => assembler.accept(bad)).toThrow(expect.objectContaining({ code: 'native/bad-frame' }));
    }
  });
});

describe('native framing with a spliced value', () => {
  const request = (message: string) => ({ kind: 'request', id: 3, type: 'mail/send', req: { origin: 'https://webmail.example.org', message, envelope: { from: 'a@example.org', to: ['b@example.org'] }, saveToSent: true } });
  const at = ['req', 'message'];

  /** Posts the frames as a browser port does (each encoded as JSON), and reassembles them. */
  function splicedRoundTrip(bytes: Uint8Array, maxFrameBytes: number): { frames: string[]; back: unknown } {
    const frames = frameMessages(request(''), 'b1', maxFrameBytes, { at, bytes }).map((f) => JSON.stringify(f));
    return { frames, back: reassemble(frames) };
  }

  it('cuts the base64 of 3 MiB of octets into frames under 1 MiB, and gives back the message as if sent whole', () => {
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024 + 1));
    const { frames, back } = splicedRoundTrip(bytes, MAX_FRAME_BYTES);
    expect(frames.length).toBe(5);
    for (const f of frames) expect(Buffer.byteLength(f, 'utf8')).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(back).toEqual(request(Buffer.from(bytes).toString('base64')));
  });

  it('fills every frame to the limit and no further, for every length of the last group', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 600, max: 1500 }), (length, limit) => {
      const bytes = new Uint8Array(randomBytes(length));
      const { frames, back } = splicedRoundTrip(bytes, limit);
      for (const f of frames) expect(Buffer.byteLength(f, 'utf8')).toBeLessThanOrEqual(limit);
      expect(back).toEqual(request(Buffer.from(bytes).toString('base64')));
    }), { numRuns: 300 });
  });

  it('writes the same frames as text for a stream (the host\'s answers), each within the limit', () => {
    const answer = (message: string) => ({ kind: 'response', id: 9, ok: true, res: { message, mailbox: 'INBOX', uid: 7 } });
    const bytes = new Uint8Array(randomBytes(2 * 1024 * 1024 + 2));
    const texts = encodeFrames(answer(''), 'h4', MAX_FRAME_BYTES, { at: ['res', 'message'], bytes });
    expect(texts).toEqual(frameMessages(answer(''), 'h4', MAX_FRAME_BYTES, { at: ['res', 'message'], bytes }).map((f) => JSON.stringify(f)));
    for (const text of texts) expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(reassemble(texts)).toEqual(answer(Buffer.from(bytes).toString('base64')));
  });

  it('sends a small value in the message whole', () => {
    const frames = frameMessages(request(''), 'b1', MAX_FRAME_BYTES, { at, bytes: new Uint8Array([1, 2, 3]) });
    expect(frames).toEqual([request('AQID')]);
  });

  it.each([
    ['a later chunk that names a splice', (frames: Record<string, unknown>[]) => { frames[1] = { ...frames[1], head: '{}', at: ['req'] }; }],
    ['a place that is no field name', (frames: Record<string, unknown>[]) => { frames[0] = { ...frames[0], at: ['req', '__proto__'] }; }],
    ['a place the message does not have', (frames: Record<string, unknown>[]) => { frames[0] = { ...frames[0], at: ['req', 'body'] }; }],
    ['a place that already holds something', (frames: Record<string, unknown>[]) => { frames[0] = { ...frames[0], head: JSON.stringify(request('AAAA')) }; }],
    ['a place inside a list', (frames: Record<string, unknown>[]) => { frames[0] = { ...frames[0], head: JSON.stringify({ req: [''] }), at: ['req', '0'] }; }],
    ['a head that is not JSON', (frames: Record<string, unknown>[]) => { frames[0] = { ...frames[0], head: '{"req":' }; }],
  ])('refuses %s with a typed error, and takes the next run', (_what, spoil) => {
    const bytes = new Uint8Array(randomBytes(5000));
    const frames = frameMessages(request(''), 'b1', 1000, { at, bytes }) as Record<string, unknown>[];
    spoil(frames);
    const assembler = new ChunkAssembler();
    let caught: unknown;
    try {
      for (const frame of frames) assembler.accept(JSON.parse(JSON.stringify(frame)));
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: expect.stringMatching(/^native\/bad-(frame|json)$/) as unknown });
    expect(assembler.pendingRuns).toBe(0);
    const again = frameMessages(request(''), 'b2', 1000, { at, bytes }).map((f) => assembler.accept(JSON.parse(JSON.stringify(f))));
    expect(again.at(-1)).toEqual(request(Buffer.from(bytes).toString('base64')));
  });
});
