/**
 * Splits native-protocol messages into frames small enough for native messaging and puts
 * them back together. Chrome refuses host-to-browser messages over 1 MiB, so both sides
 * keep every frame under that; a larger message becomes a run of `chunk` frames, each
 * carrying a slice of the message's JSON text. Platform-free: the background uses it too.
 */
import { CachetError } from '../errors';
import { integer, object, onlyKeys, string } from './native-checks';
import { bytesToBase64 } from './runtime-bytes';

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
  /** A slice of the whole message's JSON text, or of a spliced value's base64. */
  readonly data: string;
  /** First chunk of a spliced run: the message's JSON with "" where the value goes. */
  readonly head?: string;
  /** First chunk of a spliced run: the value's place in the message, key by key. */
  readonly at?: readonly string[];
}

/**
 * A long binary value of a message (a mail message of tens of megabytes), carried as
 * base64 in a run of chunk frames cut from the octets themselves: the sender never makes
 * one string of the whole value, nor the JSON of the whole message, and the receiver
 * parses only the rest. `at` names the value's place, where the message holds "".
 */
export interface SplicedOctets {
  readonly at: readonly string[];
  readonly bytes: Uint8Array;
}

/** A spliced value's place: a few plain keys, each naming a field of an object. */
const maxSpliceDepth = 4;
const maxHeadChars = 256 * 1024;

/** `message` with `value` put at `at`, copying only the objects on the way. */
function withValueAt(message: unknown, at: readonly string[], value: string): unknown {
  const [key, ...rest] = at;
  if (key === undefined) return value;
  const record = object(message, 'message', 'input/invalid');
  return { ...record, [key]: withValueAt(record[key], rest, value) };
}

/** The frames of `message` with `spliced` in place, as values to post (see frameMessages). */
function splicedFrames(message: unknown, chunkId: string, maxFrameBytes: number, spliced: SplicedOctets): unknown[] {
  const { at, bytes } = spliced;
  if (at.length === 0 || at.length > maxSpliceDepth) throw new CachetError('input/invalid', 'a spliced value needs a place of one to four keys');
  const head = JSON.stringify(message);
  const headBytes = utf8Length(head);
  // Small enough for one frame after all: the message whole, as any other.
  if (headBytes + Math.ceil(bytes.length / 3) * 4 <= maxFrameBytes - 64) return [withValueAt(message, at, bytesToBase64(bytes))];
  if (head.length > maxHeadChars) throw new CachetError('input/invalid', 'the rest of a message with a spliced value is too large');
  const envelope = 128 + utf8Length(JSON.stringify(chunkId));
  // Base64 is JSON-safe ASCII: four characters for every three octets, nothing escaped.
  const octetsIn = (room: number) => Math.floor(room / 4) * 3;
  const first = octetsIn(maxFrameBytes - envelope - utf8Length(JSON.stringify(head)) - utf8Length(JSON.stringify(at)));
  const rest = octetsIn(maxFrameBytes - envelope);
  if (first < 3 || rest < 3) throw new CachetError('input/invalid', 'frame size too small to chunk');
  const count = 1 + Math.ceil(Math.max(0, bytes.length - first) / rest);
  if (count < 2) return [withValueAt(message, at, bytesToBase64(bytes))];
  const frames: ChunkFrame[] = [{ kind: 'chunk', id: chunkId, index: 0, count, data: bytesToBase64(bytes.subarray(0, first)), head, at: [...at] }];
  for (let start = first, index = 1; index < count; start += rest, index++) {
    frames.push({ kind: 'chunk', id: chunkId, index, count, data: bytesToBase64(bytes.subarray(start, start + rest)) });
  }
  return frames;
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
 * without encoding the slice a second time. With `spliced`, that value's base64 is cut
 * from its octets, as frameMessages cuts it.
 */
export function encodeFrames(message: unknown, chunkId: string, maxFrameBytes = MAX_FRAME_BYTES, spliced?: SplicedOctets): string[] {
  // A spliced run's frames are few and each a plain value: the text of each is its JSON.
  if (spliced !== undefined) return splicedFrames(message, chunkId, maxFrameBytes, spliced).map((frame) => JSON.stringify(frame));
  const planned = plan(message, chunkId, maxFrameBytes);
  if ('json' in planned) return [planned.json];
  const { slices } = planned;
  const head = `{"kind":"chunk","id":${JSON.stringify(chunkId)},"index":`;
  return slices.map((data, index) => `${head}${index},"count":${slices.length},"data":${JSON.stringify(data)}}`);
}

/**
 * The frames for `message` as values to post on a browser's native port, which encodes
 * them itself: the message, or its chunk frames. Cut as encodeFrames cuts them, or, with
 * `spliced`, with that value's base64 cut from its octets.
 */
export function frameMessages(message: unknown, chunkId: string, maxFrameBytes = MAX_FRAME_BYTES, spliced?: SplicedOctets): unknown[] {
  if (spliced !== undefined) return splicedFrames(message, chunkId, maxFrameBytes, spliced);
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
  /** A spliced run's message and the value's place (SplicedOctets). */
  readonly splice?: { readonly head: string; readonly at: readonly string[] };
}

/** The spliced run's first chunk names the message and the value's place. */
function spliceOf(c: Record<string, unknown>): Pending['splice'] {
  if (c['head'] === undefined && c['at'] === undefined) return undefined;
  const head = string(c['head'], 'chunk.head', maxHeadChars, 'native/bad-frame');
  if (!Array.isArray(c['at']) || c['at'].length === 0 || c['at'].length > maxSpliceDepth) {
    throw new CachetError('native/bad-frame', 'chunk.at must name one to four keys');
  }
  const at = (c['at'] as unknown[]).map((key, n) => string(key, `chunk.at[${n}]`, 64, 'native/bad-frame'));
  // Field names of the protocol's messages: never "__proto__" or the like.
  if (at.some((key) => !/^[A-Za-z][A-Za-z0-9]*$/.test(key))) throw new CachetError('native/bad-frame', 'chunk.at names a key that is no field name');
  return { head, at };
}

/** The spliced run's message: its head with the joined value put where it holds "". */
function spliced(splice: NonNullable<Pending['splice']>, value: string, id: string): unknown {
  let message: unknown;
  try {
    message = JSON.parse(splice.head) as unknown;
  } catch {
    throw new CachetError('native/bad-json', `chunked message ${id} is not JSON`);
  }
  let holder: unknown = message;
  for (const [n, key] of splice.at.entries()) {
    if (typeof holder !== 'object' || holder === null || Array.isArray(holder) || !Object.hasOwn(holder, key)) {
      throw new CachetError('native/bad-frame', `chunked message ${id} has no place ${splice.at.join('.')}`);
    }
    const record = holder as Record<string, unknown>;
    if (n < splice.at.length - 1) {
      holder = record[key];
    } else {
      if (record[key] !== '') throw new CachetError('native/bad-frame', `chunked message ${id} holds something at ${splice.at.join('.')}`);
      record[key] = value;
    }
  }
  return message;
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
    onlyKeys(c, ['kind', 'id', 'index', 'count', 'data', 'head', 'at'], 'chunk', 'native/bad-frame');
    const id = string(c.id, 'chunk.id', 64, 'native/bad-frame');
    try {
      const count = integer(c.count, 'chunk.count', 2, 1_000_000, 'native/bad-frame');
      const index = integer(c.index, 'chunk.index', 0, count - 1, 'native/bad-frame');
      const data = string(c.data, 'chunk.data', this.limits.maxMessageChars, 'native/bad-frame');
      let run = this.#pending.get(id);
      if (!run) {
        if (index !== 0) throw new CachetError('native/bad-frame', `chunk run ${id} does not start at index 0`);
        if (this.#pending.size >= this.limits.maxPending) throw new CachetError('native/busy', 'too many chunked messages in flight');
        const splice = spliceOf(c);
        run = { count, next: 0, chars: 0, parts: [], ...(splice && { splice }) };
        this.#pending.set(id, run);
      } else if (c['head'] !== undefined || c['at'] !== undefined) {
        throw new CachetError('native/bad-frame', `chunk ${index} of run ${id} names a splice; only the first may`);
      }
      if (count !== run.count || index !== run.next) throw new CachetError('native/bad-frame', `chunk ${index} of run ${id} out of order`);
      run.chars += data.length;
      if (run.chars > this.limits.maxMessageChars) throw new CachetError('native/frame-too-large', `chunked message ${id} exceeds ${this.limits.maxMessageChars} characters`);
      run.parts.push(data);
      run.next++;
      if (run.next < run.count) return undefined;
      this.#pending.delete(id);
      if (run.splice !== undefined) return spliced(run.splice, run.parts.join(''), id);
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
