import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestPki } from '../cms/support/openssl-pki';
import { benchMessage } from './bench-message';
import { median } from './timing';

/**
 * `npm run bench cli`: the `cachet` commands as a user runs them, whole processes from
 * start to exit (Node's start, loading the bundle, reading keys and files, writing the
 * result), beside the `openssl cms` commands that give the same result, on the same files
 * in the same run. Runs take turns, Cachet then OpenSSL, so a slow spell of the machine
 * falls on both. Peak memory is each process's maximum resident set (GNU time's %M); for
 * OpenSSL's three-step triple wrap, the largest of the three.
 * Targets (issue 16): protect (triple wrap) at 25 MiB ≤ 0.6× the three OpenSSL commands;
 * each single command ≤ 1.0× OpenSSL at 25 MiB and ≤ 1.5× at 10 KiB; peak memory ≤ 3× the
 * message.
 *
 * Beside each figure, the floor a Node process cannot go under: `node -e 0` timed and
 * measured the same way in the same run. "work" is Cachet's time less that start, and
 * "growth" its peak less that start's resident set (DESIGN.md's "peak memory growth"),
 * so what the code costs is told apart from what starting Node costs.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cachetBin = path.join(root, 'dist/native-host/cachet.mjs');
const GNU_TIME = '/usr/bin/time';

const SIZES = [
  { label: '10 KiB', bytes: 10 * KiB, runs: 15 },
  { label: '1 MiB', bytes: MiB, runs: 9 },
  { label: '25 MiB', bytes: 25 * MiB, runs: 5 },
] as const;

interface Run {
  readonly ms: number;
  readonly maxRssKiB: number;
}

/** One process under GNU time: wall time measured here, peak RSS as time reports it. */
function timed(command: string, args: readonly string[]): Run {
  const start = performance.now();
  const child = spawnSync(GNU_TIME, ['-f', '%M', command, ...args], { encoding: 'utf8', maxBuffer: 64 * MiB, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (child.status !== 0) throw new Error(`${path.basename(command)} ${args.slice(0, 2).join(' ')} failed: ${child.stderr}`);
  const lines = child.stderr.trim().split('\n');
  return { ms, maxRssKiB: Number(lines.at(-1)) };
}

/** Several processes one after another, as one operation. */
function sequence(steps: readonly (readonly [string, readonly string[]])[]): Run {
  const runs = steps.map(([command, args]) => timed(command, args));
  return { ms: runs.reduce((sum, r) => sum + r.ms, 0), maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)) };
}

interface Operation {
  readonly label: string;
  readonly cachet: (input: string, output: string) => readonly (readonly [string, readonly string[]])[];
  readonly openssl: (input: string, output: string) => readonly (readonly [string, readonly string[]])[];
  /** Reads what Cachet wrote for this operation (encrypted or signed), not the plain message. */
  readonly reads?: 'encrypted' | 'signed' | 'triple';
  readonly target25: number;
}

function measure(): void {
  if (!existsSync(GNU_TIME)) throw new Error('GNU time is needed for peak memory: apt-get install time');
  const built = spawnSync(process.execPath, [path.join(root, 'native-host/tooling/build.mjs'), '--quiet'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed');
  const pki = makeTestPki();
  const dir = mkdtempSync(path.join(tmpdir(), 'cachet-cli-bench-'));
  const file = (name: string): string => path.join(dir, name);
  const leaf = pki.leaves.rsa;
  const node = process.execPath;
  const cachet = (...args: string[]): readonly [string, readonly string[]] => [node, [cachetBin, ...args]];
  const openssl = (...args: string[]): readonly [string, readonly string[]] => ['openssl', args];
  const signKey = ['--cert', leaf.certPath, '--key', leaf.keyPath, '--chain', pki.intermediatePath];
  const osslSign = (i: string, o: string) => openssl('cms', '-sign', '-binary', '-md', 'sha256', '-signer', leaf.certPath, '-inkey', leaf.keyPath, '-certfile', pki.intermediatePath, '-crlfeol', '-in', i, '-out', o);
  const osslEncrypt = (i: string, o: string) => openssl('cms', '-encrypt', '-binary', '-aes256', '-crlfeol', '-in', i, '-out', o, leaf.certPath);
  const osslDecrypt = (i: string, o: string) => openssl('cms', '-decrypt', '-binary', '-recip', leaf.certPath, '-inkey', leaf.keyPath, '-in', i, '-out', o);
  // Text mode: OpenSSL 3.0 reading CRLF multipart/signed in binary mode reports good signatures as bad.
  const osslVerify = (i: string, o: string) => openssl('cms', '-verify', '-CAfile', pki.rootPath, '-in', i, '-out', o);

  const operations: Operation[] = [
    { label: 'sign', cachet: (i, o) => [cachet('sign', ...signKey, '-o', o, i)], openssl: (i, o) => [osslSign(i, o)], target25: 1 },
    { label: 'encrypt', cachet: (i, o) => [cachet('encrypt', '--to', leaf.certPath, '-o', o, i)], openssl: (i, o) => [osslEncrypt(i, o)], target25: 1 },
    { label: 'decrypt', reads: 'encrypted', cachet: (i, o) => [cachet('decrypt', '--cert', leaf.certPath, '--key', leaf.keyPath, '-o', o, i)], openssl: (i, o) => [osslDecrypt(i, o)], target25: 1 },
    { label: 'verify', reads: 'signed', cachet: (i) => [cachet('verify', '--trust', pki.rootPath, '--offline', i)], openssl: (i, o) => [osslVerify(i, o)], target25: 1 },
    {
      label: 'protect (triple wrap)',
      cachet: (i, o) => [cachet('protect', '--sign', '--encrypt', '--to', leaf.certPath, ...signKey, '-o', o, i)],
      openssl: (i, o) => [osslSign(i, `${o}.1`), osslEncrypt(`${o}.1`, `${o}.2`), osslSign(`${o}.2`, o)],
      target25: 0.6,
    },
  ];

  console.log(`node ${process.version}, ${spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim()}; whole processes, medians; peak = max resident set`);
  const bare = Array.from({ length: 9 }, () => timed(node, ['-e', '0']));
  const nodeMs = median(bare.map((r) => r.ms));
  const nodeRss = median(bare.map((r) => r.maxRssKiB)) * KiB;
  console.log(`node -e 0 (the floor of any Node command): ${nodeMs.toFixed(0)} ms, ${(nodeRss / MiB).toFixed(0)} MiB`);
  const misses: string[] = [];
  try {
    for (const size of SIZES) {
      const message = file(`message-${size.bytes}.eml`);
      writeFileSync(message, benchMessage(size.bytes));
      const bytes = statSync(message).size;
      // The inputs of the reading commands: what Cachet itself wrote.
      const inputs = { encrypted: file('in.encrypted'), signed: file('in.signed'), triple: file('in.triple') };
      sequence(operations[1]?.cachet(message, inputs.encrypted) ?? []);
      sequence(operations[0]?.cachet(message, inputs.signed) ?? []);
      for (const op of operations) {
        const input = op.reads ? inputs[op.reads] : message;
        const runs = { cachet: [] as Run[], openssl: [] as Run[] };
        // One untimed run each first: the page cache and the bundle's first compile.
        sequence(op.cachet(input, file('out.cachet')));
        sequence(op.openssl(input, file('out.openssl')));
        for (let i = 0; i < size.runs; i++) {
          runs.cachet.push(sequence(op.cachet(input, file('out.cachet'))));
          runs.openssl.push(sequence(op.openssl(input, file('out.openssl'))));
        }
        const c = median(runs.cachet.map((r) => r.ms));
        const o = median(runs.openssl.map((r) => r.ms));
        const cRss = median(runs.cachet.map((r) => r.maxRssKiB)) * KiB;
        const oRss = median(runs.openssl.map((r) => r.maxRssKiB)) * KiB;
        const ratio = c / o;
        const workRatio = Math.max(0, c - nodeMs) / o;
        const growth = Math.max(0, cRss - nodeRss) / bytes;
        console.log(`${op.label.padEnd(22)} ${size.label.padStart(6)}  cachet ${c.toFixed(0).padStart(6)} ms  openssl ${o.toFixed(0).padStart(6)} ms  ratio ${ratio.toFixed(2).padStart(5)}` +
          ` (work ${workRatio.toFixed(2)}, node's start alone ${(nodeMs / o).toFixed(2)})` +
          `  peak cachet ${(cRss / MiB).toFixed(0).padStart(4)} MiB (${(cRss / bytes).toFixed(1)}× message, growth ${growth.toFixed(1)}×)  openssl ${(oRss / MiB).toFixed(0).padStart(4)} MiB`);
        const limit = size.bytes === 25 * MiB ? op.target25 : size.bytes === 10 * KiB && op.target25 === 1 ? 1.5 : undefined;
        if (limit !== undefined && ratio > limit) misses.push(`${op.label} at ${size.label}: ${ratio.toFixed(2)}× (target ≤ ${limit}×)`);
        if (size.bytes === 25 * MiB && cRss > 3 * bytes) misses.push(`${op.label} at ${size.label}: peak ${(cRss / bytes).toFixed(1)}× the message (target ≤ 3×)`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    pki.remove();
  }
  console.log(misses.length === 0 ? 'every target met' : `targets missed:\n  ${misses.join('\n  ')}`);
}

export default function run(): Promise<void> {
  return Promise.resolve().then(measure);
}
