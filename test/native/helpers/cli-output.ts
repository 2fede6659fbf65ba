/** Runs a `cachet` command in this process and collects what it prints. */
import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { main } from '../../../native-host/cli/main';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCachet(args: readonly string[], stdin: NodeJS.ReadableStream = new PassThrough()): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const printed = Promise.all([text(stdout), text(stderr)]);
  const code = await main(args, { stdout, stderr, stdin });
  stdout.end();
  stderr.end();
  const [out, err] = await printed;
  return { code, out, err };
}
