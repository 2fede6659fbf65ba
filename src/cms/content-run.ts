/**
 * Content to encrypt as pieces of one run whose total length is known before all of the
 * pieces are: the last ones (the signature part of a multipart/signed whose signature is
 * still being made) may follow as a promise, so that encryption starts on the rest.
 */
import { CachetError } from '../errors';
import { concatBytes, piecesLength } from './der-writer';

export interface ContentRun {
  readonly length: number;
  readonly pieces: readonly Uint8Array[];
  /** The pieces after `pieces`; together they must be `length` octets. */
  readonly rest?: Promise<readonly Uint8Array[]>;
}

export function contentRun(pieces: readonly Uint8Array[]): ContentRun {
  return { length: piecesLength(pieces), pieces };
}

export function asContentRun(content: ContentRun | readonly Uint8Array[]): ContentRun {
  return Array.isArray(content) ? contentRun(content as readonly Uint8Array[]) : (content as ContentRun);
}

async function allPieces(run: ContentRun): Promise<Uint8Array[]> {
  const pieces = [...run.pieces, ...((await run.rest) ?? [])];
  if (piecesLength(pieces) !== run.length) throw new CachetError('input/invalid', 'the content is not as long as announced');
  return pieces;
}

/** The whole content in one buffer (a view when it is one piece). */
export async function wholeContent(run: ContentRun): Promise<Uint8Array> {
  const pieces = await allPieces(run);
  return pieces.length === 1 ? (pieces[0] as Uint8Array) : concatBytes(pieces);
}

/**
 * Hands out the content `length` octets at a time, in order: a view when one piece holds
 * them, else a copy; at once while the octets are there, and as a promise only for a
 * slice that reaches into the rest of the run still to come.
 */
export function contentReader(run: ContentRun): (length: number) => Uint8Array | Promise<Uint8Array> {
  const pieces = [...run.pieces];
  let available = piecesLength(pieces);
  let consumed = 0;
  let index = 0;
  let at = 0;
  const take = (length: number): Uint8Array => {
    if (consumed + length > available) throw new CachetError('input/invalid', 'the content is shorter than announced');
    consumed += length;
    const piece = pieces[index];
    if (piece && at + length <= piece.length) {
      const view = piece.subarray(at, at + length);
      at += length;
      if (at === piece.length) {
        index++;
        at = 0;
      }
      return view;
    }
    const out = new Uint8Array(length);
    for (let filled = 0; filled < length; ) {
      const current = pieces[index] as Uint8Array;
      const n = Math.min(length - filled, current.length - at);
      out.set(current.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (at === current.length) {
        index++;
        at = 0;
      }
    }
    return out;
  };
  let arrival: Promise<void> | undefined;
  return (length) => {
    if (consumed + length <= available) return take(length);
    if (run.rest && !arrival) {
      arrival = run.rest.then((more) => {
        for (const piece of more) pieces.push(piece);
        available += piecesLength(more);
        if (available !== run.length) throw new CachetError('input/invalid', 'the content is not as long as announced');
      });
    }
    // Slices are handed out in the order asked for, however the rest arrives.
    return arrival ? arrival.then(() => take(length)) : take(length);
  };
}
