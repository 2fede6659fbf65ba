#!/usr/bin/env node
import { commands, type CommandEntry } from './commands';
import { EXIT_UNUSABLE, UsageError, type CliIo, type Command } from './command';
import { isCachetError } from '../../src/errors';

function help(io: CliIo): void {
  const lines = ['usage: cachet <command> [options]', '', 'commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(14)} ${c.summary}`);
  lines.push('', 'cachet help <command> shows the options of one command.');
  io.stdout.write(lines.join('\n') + '\n');
}

/** Finds the command named by the longest prefix of argv ("cert check" before "cert"). */
function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: readonly string[] } | undefined {
  for (let n = Math.min(argv.length, 3); n >= 1; n--) {
    const name = argv.slice(0, n).join(' ');
    const entry = commands.find((c) => c.name === name);
    if (entry) return { entry, rest: argv.slice(n) };
  }
  return undefined;
}

/** Imports the command's module: only now are its code and libraries loaded. */
async function load(entry: CommandEntry): Promise<Command> {
  const command = await entry.load();
  if (command.name !== entry.name) throw new Error(`the command registered as '${entry.name}' loads '${command.name}'`);
  return command;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const topic = argv[0] === 'help' ? findCommand(argv.slice(1)) : undefined;
    if (topic) io.stdout.write((await load(topic.entry)).usage.trimEnd() + '\n');
    else help(io);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`cachet: unknown command '${argv[0] ?? ''}'\n`);
    help(io);
    return EXIT_UNUSABLE;
  }
  const command = await load(found.entry);
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
