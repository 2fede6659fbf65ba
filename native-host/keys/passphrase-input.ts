/**
 * Passwords and passphrases for the command line, kept off the command line itself where
 * other users could see them: the first line of a file ('-' is standard input), as
 * OpenSSL's `file:` reads it, or typed on the terminal without echo.
 */
import type { ReadStream } from 'node:tty';
import { CachetError } from '../../src/errors';

const MAX_TYPED_CHARACTERS = 1024;

/** The first line of a password file, without its line ending; spaces are part of the secret. */
export function firstLine(data: Uint8Array): string {
  const text = Buffer.from(data).toString('utf8');
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/\r$/, '');
}

export function isTerminal(stream: NodeJS.ReadableStream): boolean {
  const tty = stream as Partial<ReadStream>;
  return tty.isTTY === true && typeof tty.setRawMode === 'function';
}

/**
 * Asks on the terminal with echo off. Enter ends the input, Backspace deletes, Ctrl-C and
 * Ctrl-D cancel (pin/cancelled). Only for a terminal: check isTerminal first.
 */
export function promptHidden(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<string> {
  const tty = input as ReadStream;
  output.write(question);
  return new Promise<string>((resolve, reject) => {
    let typed: string[] = [];
    const finish = (rest: string, error?: Error): void => {
      input.removeListener('data', onData);
      tty.setRawMode(false);
      input.pause();
      // Pasted input may hold the next answer too: leave it for the next prompt.
      if (rest.length > 0) input.unshift(Buffer.from(rest));
      output.write('\n');
      if (error) reject(error);
      else resolve(typed.join(''));
    };
    const onData = (chunk: Buffer | string): void => {
      const characters = [...chunk.toString()];
      for (const [n, character] of characters.entries()) {
        const rest = (): string => characters.slice(n + 1).join('');
        if (character === '\r' || character === '\n') return finish(rest().replace(/^\n/, ''));
        if (character === '\u0003' || character === '\u0004') return finish('', new CachetError('pin/cancelled', 'passphrase entry was cancelled'));
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else if (character >= ' ') typed.push(character);
        if (typed.length > MAX_TYPED_CHARACTERS) return finish('', new CachetError('input/invalid', 'the passphrase is too long'));
      }
    };
    tty.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
