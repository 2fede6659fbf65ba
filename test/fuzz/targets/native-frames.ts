/**
 * What the native host does with the bytes the browser sends: the frame reader
 * (native-host/host/frame-reader.ts) fed in uneven pieces, the chunk assembler, and the
 * message and request validators, as native-host/host/connection.ts applies them.
 */
import { encodeFrame, FrameReader } from '../../../native-host/host/frame-reader';
import { toWireError } from '../../../native-host/host/wire-error';
import { isCachetError } from '../../../src/errors';
import { ChunkAssembler, encodeFrames, frameMessages } from '../../../src/protocol/framing';
import { isNativeRequestType, parseNativeMessage, validateNativeRequest } from '../../../src/protocol/native-validators';
import { mutateBytes, type Seed } from '../mutate';
import type { FuzzTarget } from '../target';

const MAX_FRAME = 4096;
const digest = Buffer.alloc(32, 7).toString('base64');

/** Requests of every shape the extension sends, some large enough to travel in chunks. */
const MESSAGES: readonly unknown[] = [
  { kind: 'request', id: 1, type: 'hello', req: { protocol: 2, extensionVersion: '0.1.0' } },
  { kind: 'request', id: 2, type: 'identities/list', req: {} },
  { kind: 'request', id: 3, type: 'key/sign', req: { identity: 'id-1', digest, scheme: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } } },
  { kind: 'request', id: 4, type: 'key/decrypt', req: { identity: 'id-1', wrappedKey: Buffer.alloc(256, 1).toString('base64'), scheme: { name: 'RSA-OAEP', hash: 'SHA-256' } } },
  { kind: 'request', id: 5, type: 'key/derive', req: { identity: 'id-2', publicPoint: Buffer.alloc(65, 4).toString('base64'), curve: 'P-256' } },
  { kind: 'request', id: 6, type: 'pin/provide', req: { promptId: 'p1', pin: '1234' } },
  { kind: 'request', id: 7, type: 'mail/send', req: { origin: 'https://mail.example.org', message: Buffer.alloc(12_000, 0x41).toString('base64'), envelope: { from: 'a@example.org', to: ['b@example.org'] }, saveToSent: true } },
  { kind: 'request', id: 8, type: 'mail/fetch', req: { origin: 'https://mail.example.org', mailbox: 'INBOX', uid: 4 } },
  { kind: 'response', id: 9, ok: true, res: {} },
  { kind: 'event', event: 'pin/closed', data: { promptId: 'p1' } },
];

/** A message sent as the extension sends mail: its base64 spliced into the frames from the octets. */
function splicedStream(): Uint8Array {
  const request = { kind: 'request', id: 10, type: 'mail/send', req: { origin: 'https://mail.example.org', message: '', envelope: { from: 'a@example.org', to: ['b@example.org'] }, saveToSent: true } };
  const frames = frameMessages(request, 's0', 1024, { at: ['req', 'message'], bytes: new Uint8Array(Buffer.alloc(6_000, 0x4d)) });
  return new Uint8Array(Buffer.concat(frames.map((frame) => encodeFrame(JSON.stringify(frame)))));
}

function streamOf(messages: readonly unknown[], run: string): Uint8Array {
  const frames = messages.flatMap((m, i) => encodeFrames(m, `${run}${i}`, 1024).map((text) => encodeFrame(text)));
  return new Uint8Array(Buffer.concat(frames));
}

/**
 * Frames served per input. The host answers every frame, broken ones with an error
 * (DESIGN.md invariant 5), so a stream costs time in proportion to its frames: 600 KB of
 * zeros is 150,000 empty frames and a second of work at about 7 µs each (found by
 * fuzzing). The time limit is meant for the work of a frame, not for the length of a
 * stream, so an input is served for this many frames at most.
 */
const MAX_FRAMES = 10_000;

/** Uneven pieces, the same for the same input: the reader must not depend on how the stream is cut. */
const PIECE_SIZES = [1, 7, 64, 4096, 3, 1000, 2, 65_536];

function serve(bytes: Uint8Array): void {
  const reader = new FrameReader(MAX_FRAME);
  const assembler = new ChunkAssembler({ maxMessageChars: 64 * 1024, maxPending: 4 });
  const log = (): void => undefined;
  // As the connection does: every refusal becomes a wire error; an error of another kind is a defect here.
  const refuse = (error: unknown): void => {
    if (!isCachetError(error)) throw error;
    toWireError(error, log);
  };
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let frames = 0;
  for (let at = 0, n = bytes.length; at < buffer.length && frames < MAX_FRAMES; n++) {
    const size = PIECE_SIZES[n % PIECE_SIZES.length] as number;
    for (const event of reader.push(buffer.subarray(at, at + size))) {
      frames++;
      if (event.kind !== 'frame') continue;
      let value: unknown;
      try {
        value = JSON.parse(event.text);
      } catch {
        continue; // native/bad-json
      }
      let message: unknown;
      try {
        message = assembler.accept(value);
        if (message === undefined) continue;
        const parsed = parseNativeMessage(message);
        if (parsed.kind === 'request' && isNativeRequestType(parsed.type)) validateNativeRequest(parsed.type, parsed.req);
      } catch (error) {
        refuse(error);
      }
    }
    at += size;
  }
  void reader.midFrame;
  void assembler.pendingRuns;
}

export const nativeFramesTarget: FuzzTarget = {
  name: 'native-frames',
  summary: 'the native frame reader, chunk assembly and message validation on mutated streams cut unevenly',
  prepare() {
    const seeds: Seed[] = [
      { name: 'every request, chunked', kind: 'der', bytes: streamOf(MESSAGES, 'a') },
      ...MESSAGES.map((m, i) => ({ name: `message ${i}`, kind: 'der' as const, bytes: streamOf([m], 'b') })),
      { name: 'mail/send, spliced', kind: 'der', bytes: splicedStream() },
    ];
    return Promise.resolve({
      seeds,
      generate(rng) {
        let input = rng.pick(seeds).bytes;
        const other = rng.pick(seeds).bytes;
        for (let n = 1 + rng.below(4); n > 0; n--) {
          if (rng.chance(0.25) && input.length >= 4) {
            // A length prefix rewritten: oversized, short, long, or zero.
            const out = Buffer.from(input);
            const at = rng.below(input.length - 3);
            out.writeUInt32LE(rng.pick([0, 1, MAX_FRAME, MAX_FRAME + 1, 0xffffffff, rng.below(MAX_FRAME)]), at);
            input = new Uint8Array(out);
          } else {
            input = mutateBytes(rng, input, other);
          }
        }
        return input;
      },
      run(input) {
        serve(input);
        return Promise.resolve(undefined);
      },
    });
  },
};
