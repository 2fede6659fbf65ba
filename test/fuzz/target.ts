/**
 * What a fuzz target is: the seeds it starts from, how one input is made from them, and
 * how one input is run. Running an input may throw only a CachetError (the project's
 * typed error for hostile input); anything else is a crash. A target that checks
 * signatures returns a description when a signature came out good over bytes that no
 * seed had signed: a false good.
 */
import { createHash } from 'node:crypto';
import { isCachetError } from '../../src/errors';
import { mutateSeed, type Seed } from './mutate';
import type { Rng } from './random';

export interface PreparedTarget {
  readonly seeds: readonly Seed[];
  /** Input number N of a run, made only from `rng`: the same seed and index give the same input. */
  generate(rng: Rng): Uint8Array;
  /** A false-good description, or undefined; throws what the code under test throws. */
  run(input: Uint8Array): Promise<string | undefined>;
}

export interface FuzzTarget {
  readonly name: string;
  readonly summary: string;
  /** Reads the seeds and builds what the target needs, once per worker. */
  prepare(): Promise<PreparedTarget>;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The usual generator: 1–4 mutations of one seed, which may take pieces of another. */
export function mutatingGenerator(seeds: readonly Seed[]): (rng: Rng) => Uint8Array {
  return (rng) => mutateSeed(rng, seeds).input;
}

/**
 * Inputs made of several byte strings (a CMS with its detached content, a certificate path
 * with its CRLs) are one byte string in the findings: each piece as a one-byte label, a
 * four-byte length and the bytes, so a saved input replays without anything else.
 */
export function packPieces(pieces: readonly { readonly label: number; readonly bytes: Uint8Array }[]): Uint8Array {
  const out = Buffer.alloc(pieces.reduce((n, p) => n + 5 + p.bytes.length, 0));
  let at = 0;
  for (const { label, bytes } of pieces) {
    out[at] = label;
    out.writeUInt32BE(bytes.length, at + 1);
    out.set(bytes, at + 5);
    at += 5 + bytes.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export function unpackPieces(input: Uint8Array): { label: number; bytes: Uint8Array }[] {
  const view = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const pieces: { label: number; bytes: Uint8Array }[] = [];
  for (let at = 0; at + 5 <= view.length; ) {
    const length = Math.min(view.readUInt32BE(at + 1), view.length - at - 5);
    pieces.push({ label: view[at] as number, bytes: input.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return pieces;
}

/** Runs `step`, letting a CachetError through as the typed refusal it is, so later steps still run. */
export function tolerate<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    if (isCachetError(error)) return undefined;
    throw error;
  }
}

/** A target that mutates its seeds the usual way and runs each input without awaiting anything. */
export function simpleTarget(name: string, summary: string, seeds: () => Seed[], run: (input: Uint8Array) => void): FuzzTarget {
  return {
    name,
    summary,
    prepare() {
      const loaded = seeds();
      return Promise.resolve({
        seeds: loaded,
        generate: mutatingGenerator(loaded),
        run(input) {
          run(input);
          return Promise.resolve(undefined);
        },
      });
    },
  };
}
