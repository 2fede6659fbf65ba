/**
 * Splits native-protocol messages into frames small enough for native messaging and puts
 * them back together. Chrome refuses host-to-browser messages over 1 MiB, so both sides
 * keep every frame under that; a larger message becomes a run of `chunk` frames, each
 * carrying a slice of the message's JSON text. Platform-free: the background uses it too.
 */
import { CachetError } from '../errors';
import { integer, object, onlyKeys, string } from './native-checks';

/** Below Chrome's 1 MiB limit, with room for the chunk envelope. */
export const MAX_FRAME_BYTES = 1_000_000;

/** Bytes of the UTF-8 encoding of a string (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  // Frames are JSON whose large values are base64: all ASCII, checked by one native scan.
  // eslint-disable-next-line no-control-regex -- the whole ASCII range is what is tested
  if (!/[^\x00-\x7f]/.test(text)) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export interface ChunkFrame {
  readonly kind: 'chunk';
  readonly id: string;
  readonly index: number;
  readonly count: number;
  /** A slice of the whole message's JSON text. */
  readonly data: string;
}

/**
 * Returns the JSON text of each frame to send for `message`. `chunkId` names a chunk run;
 * it must differ from every other run in flight from the same sender.
 */
export function encodeFrames(message: unknown, chunkId: string, maxFrameBytes = MAX_FRAME_BYTES): string[] {
  const json = JSON.stringify(message);
  if (utf8Length(json) <= maxFrameBytes) return [json];
  // Room for the envelope: kind, id, index, count and the quotes around data.
  const budget = maxFrameBytes - 128 - utf8Length(JSON.stringify(chunkId));
  if (budget < 64) throw new CachetError('input/invalid', 'frame size too small to chunk');
  const slices: string[] = [];
  let start = 0;
  while (start < json.length) {
    let end = Math.min(json.length, start + budget);
    // Escaping can grow a slice (a quote becomes \", a control character \u00XX): shrink
    // until its JSON string form fits.
    for (;;) {
      if (end < json.length && end - 1 > start && (json.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      if (utf8Length(JSON.stringify(json.slice(start, end))) <= budget) break;
      end = start + Math.max(1, Math.floor((end - start) / 2));
    }
    slices.push(json.slice(start, end));
    start = end;
  }
  return slices.map((data, index) => JSON.stringify({ kind: 'chunk', id: chunkId, index, count: slices.length, data } satisfies ChunkFrame));
}

export interface AssemblerLimits {
  /** Largest reassembled message, in UTF-16 code units of JSON text. */
  readonly maxMessageChars: number;
  /** Chunk runs that may be open at once. */
  readonly maxPending: number;
}

/** Room for the largest message either side sends (MAX_FETCHED_MESSAGE_BYTES as base64, about 65 M characters) and its JSON. */
export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = { maxMessageChars: 72 * 1024 * 1024, maxPending: 16 };

interface Pending {
  readonly count: number;
  next: number;
  chars: number;
  readonly parts: string[];
}

/**
 * Receives parsed frames in arrival order. A plain message comes out at once; chunks are
 * held until their run is complete. A broken run is dropped with a `native/bad-frame`
 * error and does not disturb other runs or plain messages.
 */
export class ChunkAssembler {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS) {}

  /** Returns the whole message when `frame` completes one, else undefined. */
  accept(frame: unknown): unknown {
    if (typeof frame !== 'object' || frame === null || (frame as { kind?: unknown }).kind !== 'chunk') return frame;
    const c = object(frame, 'chunk', 'native/bad-frame');
    onlyKeys(c, ['kind', 'id', 'index', 'count', 'data'], 'chunk', 'native/bad-frame');
    const id = string(c.id, 'chunk.id', 64, 'native/bad-frame');
    try {
      const count = integer(c.count, 'chunk.count', 2, 1_000_000, 'native/bad-frame');
      const index = integer(c.index, 'chunk.index', 0, count - 1, 'native/bad-frame');
      const data = string(c.data, 'chunk.data', this.limits.maxMessageChars, 'native/bad-frame');
      let run = this.#pending.get(id);
      if (!run) {
        if (index !== 0) throw new CachetError('native/bad-frame', `chunk run ${id} does not start at index 0`);
        if (this.#pending.size >= this.limits.maxPending) throw new CachetError('native/busy', 'too many chunked messages in flight');
        run = { count, next: 0, chars: 0, parts: [] };
        this.#pending.set(id, run);
      }
      if (count !== run.count || index !== run.next) throw new CachetError('native/bad-frame', `chunk ${index} of run ${id} out of order`);
      run.chars += data.length;
      if (run.chars > this.limits.maxMessageChars) throw new CachetError('native/frame-too-large', `chunked message ${id} exceeds ${this.limits.maxMessageChars} characters`);
      run.parts.push(data);
      run.next++;
      if (run.next < run.count) return undefined;
      this.#pending.delete(id);
      try {
        return JSON.parse(run.parts.join('')) as unknown;
      } catch {
        throw new CachetError('native/bad-json', `chunked message ${id} is not JSON`);
      }
    } catch (error) {
      this.#pending.delete(id);
      throw error;
    }
  }

  /** Chunk runs not yet complete (a closed stream leaves these unanswerable). */
  get pendingRuns(): number {
    return this.#pending.size;
  }
}
