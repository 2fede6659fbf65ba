#!/usr/bin/env node
import { commands } from './commands';
import { EXIT_UNUSABLE, UsageError, type CliIo } from './command';
import { isCachetError } from '../../src/errors';

function help(io: CliIo): void {
  const lines = ['usage: cachet <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(14)} ${c.summary}`);
  lines.push('', 'cachet help <command> shows the options of one command.');
  io.stdout.write(lines.join('\n') + '\n');
}

/** Finds the command named by the longest prefix of argv ("cert check" before "cert"). */
function findCommand(argv: readonly string[]): { name: string; rest: readonly string[] } | undefined {
  for (let n = Math.min(argv.length, 3); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    if (commands.some((c) => c.name === name)) return { name, rest: argv.slice(n) };
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const topic = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
    const command = topic && commands.find((c) => c.name === topic.name);
    if (command) io.stdout.write(command.usage.trimEnd() + '\n');
    else help(io);
    return 0;
  }
  const found = findCommand(argv);
  const command = found && commands.find((c) => c.name === found.name);
  if (!found || !command) {
    io.stderr.write(`cachet: unknown command '${argv[0] ?? ''}'\n`);
    help(io);
    return EXIT_UNUSABLE;
  }
  try {
    return await command.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`cachet ${command.name}: ${error.message}\n${command.usage.trimEnd()}\n`);
      return EXIT_UNUSABLE;
    }
    if (isCachetError(error)) {
      io.stderr.write(`cachet ${command.name}: ${error.code}: ${error.message}\n`);
      return EXIT_UNUSABLE;
    }
    throw error;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '');
if (isEntry) {
  main(process.argv.slice(2), process).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => {
      process.stderr.write(`cachet: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
