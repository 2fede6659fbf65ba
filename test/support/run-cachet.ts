/** Runs a `cachet` command in this process, as a user would type it, and collects what it prints. */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../native-host/cli/main';

export interface CliRun {
  readonly code: number;
  /** Standard output as text (UTF-8). */
  readonly out: string;
  /** Standard output as bytes, for messages. */
  readonly bytes: Buffer;
  readonly err: string;
}

export async function runCachet(args: readonly string[], stdin: Uint8Array | NodeJS.ReadableStream = new Uint8Array()): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const input = stdin instanceof Uint8Array ? Readable.from([Buffer.from(stdin)]) : stdin;
  const code = await main(args, { stdout, stderr, stdin: input });
  stdout.end();
  stderr.end();
  const bytes = Buffer.concat(out);
  return { code, out: bytes.toString(), bytes, err: Buffer.concat(err).toString() };
}
