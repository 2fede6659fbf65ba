/**
 * Reads native-messaging frames from a byte stream: a 4-byte length in the machine's byte
 * order, then that many bytes of UTF-8 JSON (the browsers' stdio protocol). A frame whose
 * declared length exceeds the limit is skipped without being buffered, so the stream stays
 * in step and memory stays bounded whatever a hostile sender declares.
 */
import { endianness } from 'node:os';

export type ReaderEvent =
  | { readonly kind: 'frame'; readonly text: string }
  | { readonly kind: 'oversized'; readonly length: number }
  | { readonly kind: 'bad-utf8' };

const littleEndian = endianness() === 'LE';

export class FrameReader {
  /**
   * Received bytes not yet read, as they came. They are joined only once a whole frame is
   * there: joining on every chunk would copy a frame that arrives a few bytes at a time
   * over and over, quadratic in its length.
   */
  #pieces: Buffer[] = [];
  /** Index of the first unread piece: shifting the array per piece would be quadratic too. */
  #head = 0;
  #buffered = 0;
  /** Bytes of an oversized frame still to be thrown away. */
  #skipping = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    if (chunk.length > 0) {
      this.#pieces.push(chunk);
      this.#buffered += chunk.length;
    }
    for (;;) {
      if (this.#skipping > 0) {
        const skip = Math.min(this.#skipping, this.#buffered);
        this.#skipping -= skip;
        this.#discard(skip);
        if (this.#skipping > 0) break;
      }
      if (this.#buffered < 4) break;
      const header = this.#take(4, false);
      const length = littleEndian ? header.readUInt32LE(0) : header.readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        events.push({ kind: 'oversized', length });
        this.#discard(4);
        this.#skipping = length;
        continue;
      }
      if (this.#buffered < 4 + length) break;
      this.#discard(4);
      events.push(decode(this.#take(length, true)));
    }
    return events;
  }

  /** True when the stream ended inside a frame (or inside a skipped oversized frame). */
  get midFrame(): boolean {
    return this.#buffered > 0 || this.#skipping > 0;
  }

  /** The next `count` buffered bytes, consumed when `consume` is set; a view when they lie in one piece. */
  #take(count: number, consume: boolean): Buffer {
    const first = this.#pieces[this.#head] ?? Buffer.alloc(0);
    let out: Buffer;
    if (first.length >= count) {
      out = first.subarray(0, count);
    } else {
      out = Buffer.allocUnsafe(count);
      let filled = 0;
      for (let i = this.#head; filled < count; i++) {
        const piece = this.#pieces[i] as Buffer;
        const n = Math.min(count - filled, piece.length);
        piece.copy(out, filled, 0, n);
        filled += n;
      }
    }
    if (consume) this.#discard(count);
    return out;
  }

  #discard(count: number): void {
    let left = count;
    this.#buffered -= count;
    while (left > 0) {
      const first = this.#pieces[this.#head];
      if (!first) break;
      if (first.length <= left) {
        this.#head++;
        left -= first.length;
      } else {
        const rest = first.subarray(left);
        // Keep only what is unread, so one early huge chunk is not pinned by a small view.
        this.#pieces[this.#head] = rest.buffer.byteLength > 2 * rest.length + 65536 ? Buffer.from(rest) : rest;
        left = 0;
      }
    }
    if (this.#head === this.#pieces.length) {
      this.#pieces = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#pieces.length) {
      this.#pieces = this.#pieces.slice(this.#head);
      this.#head = 0;
    }
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function decode(body: Buffer): ReaderEvent {
  try {
    return { kind: 'frame', text: strictUtf8.decode(body) };
  } catch {
    return { kind: 'bad-utf8' };
  }
}

/** Encodes one frame: length prefix in the machine's byte order, then the UTF-8 text. */
export function encodeFrame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const frame = Buffer.allocUnsafe(4 + body.length);
  if (littleEndian) frame.writeUInt32LE(body.length, 0);
  else frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}
