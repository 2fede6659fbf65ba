/** Writing the complete message of the sign, encrypt and decrypt commands ('-o OUT'). */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CliIo } from '../command';

/**
 * Writes `pieces` one after another to `out`, or to standard output when it is absent or
 * '-'. A file is written with blocking calls, each piece whole: a command has nothing
 * else to do meanwhile, and the promise-based writeFile goes through the thread pool in
 * 512 KiB steps, which is slower for a message of tens of megabytes.
 */
export function writeOutput(out: string | undefined, pieces: readonly Uint8Array[], io: CliIo): void {
  if (out === undefined || out === '-') {
    for (const piece of pieces) io.stdout.write(piece);
    return;
  }
  const fd = openSync(out, 'w');
  try {
    for (const piece of pieces) {
      // A regular file takes a whole piece at once; anything else may take less per call.
      for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
    }
  } finally {
    closeSync(fd);
  }
}
