/** Reading the FILE argument of the sign and verify commands ('-' is standard input). */
import { readFileSync } from 'node:fs';
import { UsageError, type CliIo } from '../command';

/**
 * A plain Uint8Array over a Buffer's memory, without copying it (a message may be tens
 * of megabytes): the pipeline expects Uint8Array semantics, where slice() copies.
 */
function plainView(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk));
  return plainView(Buffer.concat(chunks));
}

/**
 * FILE's octets. A file is read with one blocking call: a command waits for its input
 * anyway, and the promise-based readFile goes through the thread pool in 512 KiB steps,
 * which is slower for a message of tens of megabytes.
 */
export async function readInput(file: string, io: CliIo): Promise<Uint8Array> {
  return file === '-' ? readAll(io.stdin) : plainView(readFileSync(file));
}

/** Splits argv into repeatable `--name value` options, boolean flags and positionals. */
export function parseArgs(
  args: readonly string[],
  valued: readonly string[],
  flags: readonly string[],
  fail: (message: string) => Error,
): { values: Map<string, string[]>; flags: Set<string>; positionals: string[] } {
  const values = new Map<string, string[]>();
  const seen = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
    } else if (valued.includes(arg)) {
      const value = args[++i];
      if (value === undefined) throw fail(`${arg} needs a value`);
      values.set(arg, [...(values.get(arg) ?? []), value]);
    } else if (flags.includes(arg)) {
      seen.add(arg);
    } else {
      throw fail(`unknown option ${arg}`);
    }
  }
  return { values, flags: seen, positionals };
}

/** parseArgs for commands whose options may each be given once: `one` reads such an option. */
export function parseSingleOptions(
  args: readonly string[],
  valued: readonly string[],
  flags: readonly string[] = [],
): ReturnType<typeof parseArgs> & { one: (name: string) => string | undefined } {
  const parsed = parseArgs(args, valued, flags, (message) => new UsageError(message));
  const one = (name: string): string | undefined => {
    const all = parsed.values.get(name) ?? [];
    if (all.length > 1) throw new UsageError(`${name} is given more than once`);
    return all[0];
  };
  return { ...parsed, one };
}
