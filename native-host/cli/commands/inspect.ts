import { readFile } from 'node:fs/promises';
import { EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { decodedBody, fileName, parseMessage, sniffContentInfo, type ByteRange, type MimePart } from '../../../src/mime';

/** `cachet inspect FILE`: the MIME tree of a message as JSON, with the raw byte ranges. */

interface RangeJson {
  readonly start: number;
  readonly end: number;
  readonly size: number;
}

interface PartJson {
  readonly contentType: string;
  readonly params: Readonly<Record<string, string>>;
  readonly transferEncoding: string;
  readonly smimeKind: string;
  readonly fileName?: string;
  readonly range: RangeJson;
  readonly headerRange: RangeJson;
  readonly bodyRange: RangeJson;
  readonly decodedSize?: number;
  readonly preamble?: RangeJson;
  readonly epilogue?: RangeJson;
  readonly warnings: readonly string[];
  readonly children: readonly PartJson[];
}

function rangeJson(range: ByteRange): RangeJson {
  return { start: range.start, end: range.end, size: range.end - range.start };
}

function partJson(part: MimePart): PartJson {
  const name = fileName(part);
  return {
    contentType: part.contentType.mediaType,
    params: { ...part.contentType.params },
    transferEncoding: part.transferEncoding,
    smimeKind: part.smimeKind,
    ...(name === undefined ? {} : { fileName: name }),
    range: rangeJson(part.range),
    headerRange: rangeJson(part.headerRange),
    bodyRange: rangeJson(part.bodyRange),
    // Containers are described by their children; only leaves have content to decode.
    ...(part.children.length === 0 ? { decodedSize: decodedBody(part).length } : {}),
    ...(part.preamble ? { preamble: rangeJson(part.preamble) } : {}),
    ...(part.epilogue ? { epilogue: rangeJson(part.epilogue) } : {}),
    warnings: part.warnings,
    children: part.children.map(partJson),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'print the MIME tree of a message as JSON (types, sizes, byte ranges, S/MIME kinds)',
  usage: `usage: cachet inspect FILE
  Parses FILE (an RFC 5322 message; '-' reads standard input) and prints its MIME tree
  as JSON: for every part its content type and parameters, transfer encoding, S/MIME
  kind, the byte ranges of the part, its headers and its body (start, end, size), and
  the problems tolerated while parsing. A file that is itself a DER CMS ContentInfo
  (an .env or .p7m written without MIME headers) is reported as such in "rawCms".
  Exit status: 0 parsed, 2 unreadable input.`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    if (args.length !== 1 || args[0] === undefined) throw new UsageError('expected exactly one FILE');
    const file = args[0];
    let source: Uint8Array;
    try {
      source = file === '-' ? await readAll(io.stdin) : await readFile(file);
    } catch (error) {
      io.stderr.write(`cachet inspect: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    const root = parseMessage(source);
    const rawCms = sniffContentInfo(source.subarray(0, 32));
    const report = {
      file,
      size: source.length,
      ...(rawCms ? { rawCms } : {}),
      tree: partJson(root),
    };
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return EXIT_OK;
  },
};
