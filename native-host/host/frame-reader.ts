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
  #buffer: Buffer = Buffer.alloc(0);
  /** Bytes of an oversized frame still to be thrown away. */
  #skipping = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    let data = chunk;
    if (this.#skipping > 0) {
      const skip = Math.min(this.#skipping, data.length);
      this.#skipping -= skip;
      data = data.subarray(skip);
    }
    this.#buffer = this.#buffer.length === 0 ? data : Buffer.concat([this.#buffer, data]);
    for (;;) {
      if (this.#skipping > 0 || this.#buffer.length < 4) break;
      const length = littleEndian ? this.#buffer.readUInt32LE(0) : this.#buffer.readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        events.push({ kind: 'oversized', length });
        const available = this.#buffer.length - 4;
        const skip = Math.min(length, available);
        this.#skipping = length - skip;
        this.#buffer = this.#buffer.subarray(4 + skip);
        continue;
      }
      if (this.#buffer.length < 4 + length) break;
      const body = this.#buffer.subarray(4, 4 + length);
      this.#buffer = this.#buffer.subarray(4 + length);
      events.push(decode(body));
    }
    // Keep only what is unread, so one early huge buffer is not pinned by a small view.
    if (this.#buffer.buffer.byteLength > 2 * this.#buffer.length + 65536) this.#buffer = Buffer.from(this.#buffer);
    return events;
  }

  /** True when the stream ended inside a frame (or inside a skipped oversized frame). */
  get midFrame(): boolean {
    return this.#buffer.length > 0 || this.#skipping > 0;
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
