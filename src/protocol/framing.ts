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

/** Whether a string is all ASCII: then its UTF-8 length is its length. */
function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- the whole ASCII range is what is tested
  return !/[^\x00-\x7f]/.test(text);
}

/** Bytes of the UTF-8 encoding of a string (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  // Frames are JSON whose large values are base64: all ASCII, checked by one native scan.
  if (isAscii(text)) return text.length;
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
 * The UTF-8 length of `JSON.stringify(slice)` for a slice of ASCII JSON text, without
 * making that string: JSON text holds no raw control characters, so only its quotes and
 * backslashes gain an escape, and the quotes around it add two.
 */
function quotedAsciiLength(slice: string): number {
  let escapes = 0;
  for (let at = slice.indexOf('"'); at >= 0; at = slice.indexOf('"', at + 1)) escapes++;
  for (let at = slice.indexOf('\\'); at >= 0; at = slice.indexOf('\\', at + 1)) escapes++;
  return slice.length + 2 + escapes;
}

/**
 * Cuts a message's JSON text into slices whose JSON string form fits `budget` UTF-8
 * bytes. A message's large values are base64, so its text is usually ASCII, and then a
 * slice's size is counted rather than found by encoding it (measured on a 47 MiB message:
 * 1.7 s of encoding and re-encoding became 0.3 s).
 */
function sliceJson(json: string, ascii: boolean, budget: number): string[] {
  const fits = (slice: string): boolean => (ascii ? quotedAsciiLength(slice) : utf8Length(JSON.stringify(slice))) <= budget;
  const slices: string[] = [];
  let start = 0;
  while (start < json.length) {
    let end = Math.min(json.length, start + budget);
    // Escaping can grow a slice (a quote becomes \", a control character \u00XX): shrink
    // until its JSON string form fits.
    for (;;) {
      if (end < json.length && end - 1 > start && (json.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
      if (fits(json.slice(start, end))) break;
      end = start + Math.max(1, Math.floor((end - start) / 2));
    }
    slices.push(json.slice(start, end));
    start = end;
  }
  return slices;
}

/** The message whole when its JSON fits a frame, else its chunk frames' slices. */
function plan(message: unknown, chunkId: string, maxFrameBytes: number): { json: string } | { slices: string[] } {
  const json = JSON.stringify(message);
  const ascii = isAscii(json);
  if ((ascii ? json.length : utf8Length(json)) <= maxFrameBytes) return { json };
  // Room for the envelope: kind, id, index, count and the quotes around data.
  const budget = maxFrameBytes - 128 - utf8Length(JSON.stringify(chunkId));
  if (budget < 64) throw new CachetError('input/invalid', 'frame size too small to chunk');
  return { slices: sliceJson(json, ascii, budget) };
}

/**
 * Returns the JSON text of each frame to send for `message`. `chunkId` names a chunk run;
 * it must differ from every other run in flight from the same sender. A chunk frame's
 * text is put together from its parts: the same text JSON.stringify gives for the frame,
 * without encoding the slice a second time.
 */
export function encodeFrames(message: unknown, chunkId: string, maxFrameBytes = MAX_FRAME_BYTES): string[] {
  const planned = plan(message, chunkId, maxFrameBytes);
  if ('json' in planned) return [planned.json];
  const { slices } = planned;
  const head = `{"kind":"chunk","id":${JSON.stringify(chunkId)},"index":`;
  return slices.map((data, index) => `${head}${index},"count":${slices.length},"data":${JSON.stringify(data)}}`);
}

/**
 * The frames for `message` as values to post on a browser's native port, which encodes
 * them itself: the message, or its chunk frames. Cut as encodeFrames cuts them.
 */
export function frameMessages(message: unknown, chunkId: string, maxFrameBytes = MAX_FRAME_BYTES): unknown[] {
  const planned = plan(message, chunkId, maxFrameBytes);
  if ('json' in planned) return [message];
  const { slices } = planned;
  return slices.map((data, index): ChunkFrame => ({ kind: 'chunk', id: chunkId, index, count: slices.length, data }));
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
