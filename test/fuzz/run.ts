/**
 * `npm run fuzz`: a mutation fuzzer over the parsers and verifiers, seeded from
 * ../shared/corpora, not part of CI. Each target runs its inputs in worker threads; per
 * input, any exception other than a CachetError is a crash, more than the time limit
 * (1 s) of CPU time is a hang, and a signature found good over bytes no seed had signed is
 * a false good. Inputs slower than the limit in wall time are timed again alone once the
 * target is done (worker.ts); an input that never finishes is caught by a watchdog that
 * stops its worker and starts another after it. Each finding is written, input and
 * stack, below the findings folder (under /var/tmp, outside the project), and a summary
 * per target is printed.
 *
 *   npm run fuzz -- [--target NAME]... [--runs N] [--seed N] [--workers N]
 *                   [--timeout-ms N] [--out DIR] [--replay FILE] [--list]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { TARGETS } from './targets';
import {
  attempt,
  SHARED_BYTES,
  SHARED_HEADER_BYTES,
  SLOT_BUSY,
  SLOT_DONE,
  SLOT_INDEX,
  SLOT_LENGTH,
  timeAlone,
  type FindingKind,
  type Suspect,
  type WorkerJob,
  type WorkerMessage,
} from './worker';

interface Options {
  readonly targets: readonly string[];
  readonly runs: number;
  readonly seed: number;
  readonly workers: number;
  readonly timeoutMs: number;
  readonly out: string;
  readonly replay?: string;
  readonly list: boolean;
}

const USAGE = `usage: npm run fuzz -- [--target NAME]... [--runs N] [--seed N] [--workers N] [--timeout-ms N] [--out DIR] [--replay FILE] [--list]
  --target    one of ${TARGETS.map((t) => t.name).join(', ')} (repeat or comma-separate; default all)
  --runs      inputs per target (default 1000000)
  --seed      run seed (default random; printed, with it every input can be made again)
  --workers   worker threads per target (default ${Math.min(2, availableParallelism())})
  --timeout-ms  an input slower than this is a hang (default 1000)
  --out       findings folder (default /var/tmp/cachet-fuzz)
  --replay    run one saved input (a finding's .bin) through --target and print what happens`;

function parseOptions(argv: readonly string[]): Options {
  const targets: string[] = [];
  let runs = 1_000_000;
  let seed = Math.floor(Math.random() * 2 ** 31);
  let workers = Math.min(2, availableParallelism());
  let timeoutMs = 1000;
  let out = '/var/tmp/cachet-fuzz';
  let replay: string | undefined;
  let list = false;
  const number = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isSafeInteger(n) || n < 0) throw new Error(`${name} needs a whole number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    switch (arg) {
      case '--target': targets.push(...(value ?? '').split(',').filter(Boolean)); i++; break;
      case '--runs': runs = number(arg, value); i++; break;
      case '--seed': seed = number(arg, value); i++; break;
      case '--workers': workers = Math.max(1, number(arg, value)); i++; break;
      case '--timeout-ms': timeoutMs = number(arg, value); i++; break;
      case '--out': out = value ?? out; i++; break;
      case '--replay': replay = value; i++; break;
      case '--list': list = true; break;
      default: throw new Error(`unknown option ${arg ?? ''}\n${USAGE}`);
    }
  }
  for (const name of targets) if (!TARGETS.some((t) => t.name === name)) throw new Error(`unknown target ${name}\n${USAGE}`);
  return { targets: targets.length > 0 ? targets : TARGETS.map((t) => t.name), runs, seed, workers, timeoutMs, out, list, ...(replay ? { replay } : {}) };
}

interface Tally {
  readonly target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  falseGoods: number;
  /** Inputs over the time limit in wall time that were fast enough alone: the machine was busy. */
  slowOnlyUnderLoad: number;
  /** Distinct crash places (first frames of the stack). */
  readonly crashKinds: Map<string, number>;
  seconds: number;
  seeds: number;
}

/** Where a crash happened, without the numbers that differ between inputs. */
function signatureOf(kind: FindingKind, detail: string): string {
  if (kind !== 'crash') return kind;
  const lines = detail.split('\n');
  const frames = lines.filter((l) => /^\s+at /.test(l)).slice(0, 3).map((l) => l.trim().replace(/:\d+:\d+\)?$/, ''));
  return `${(lines[0] ?? '').replace(/\d+/g, 'N').slice(0, 160)} | ${frames.join(' < ')}`;
}

/** A worker thread that runs TypeScript: tsx's loader is registered inside it first. */
function startWorker(job: WorkerJob): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
}

class FindingWriter {
  readonly #perSignature = new Map<string, number>();
  constructor(private readonly dir: string, private readonly seed: number) {}

  /** Keeps the first five inputs of each distinct finding; the rest are only counted. */
  write(target: string, kind: FindingKind, index: number, input: Uint8Array, detail: string, ms: number): string | undefined {
    const signature = `${target} ${signatureOf(kind, detail)}`;
    const seen = (this.#perSignature.get(signature) ?? 0) + 1;
    this.#perSignature.set(signature, seen);
    if (seen > 5) return undefined;
    const folder = path.join(this.dir, target);
    mkdirSync(folder, { recursive: true });
    const base = path.join(folder, `${kind}-${index}`);
    writeFileSync(`${base}.bin`, input);
    writeFileSync(`${base}.txt`, [
      `target: ${target}`, `kind: ${kind}`, `seed: ${this.seed}`, `input: ${index}`, `time: ${ms.toFixed(1)} ms`,
      `replay: npm run fuzz -- --target ${target} --replay ${base}.bin`, '', detail, '',
    ].join('\n'));
    return `${base}.bin`;
  }
}

async function fuzzTarget(name: string, options: Options, writer: FindingWriter): Promise<Tally> {
  const tally: Tally = { target: name, inputs: 0, crashes: 0, hangs: 0, falseGoods: 0, slowOnlyUnderLoad: 0, crashKinds: new Map(), seconds: 0, seeds: 0 };
  const suspects: Suspect[] = [];
  const killAfterMs = Math.max(10 * options.timeoutMs, 10_000);
  let started = 0;
  let lastPrint = performance.now();

  const record = (kind: FindingKind, index: number, input: Uint8Array, detail: string, ms: number): void => {
    if (kind === 'crash') {
      tally.crashes++;
      const signature = signatureOf(kind, detail);
      tally.crashKinds.set(signature, (tally.crashKinds.get(signature) ?? 0) + 1);
    } else if (kind === 'hang') tally.hangs++;
    else tally.falseGoods++;
    const file = writer.write(name, kind, index, input, detail, ms);
    process.stdout.write(`  ${kind} at input ${index}: ${detail.split('\n')[0] ?? ''}\n${file ? `    saved ${file}\n` : ''}`);
  };

  /** One lane of inputs (first, first + workers, …); a lane whose worker is stopped goes on in a new one. */
  const lane = (first: number): Promise<void> => new Promise((resolve, reject) => {
    const run = (from: number): void => {
      if (from >= options.runs) {
        resolve();
        return;
      }
      const shared = new SharedArrayBuffer(SHARED_BYTES);
      const header = new Int32Array(shared, 0, SHARED_HEADER_BYTES / 4);
      const job: WorkerJob = { mode: 'fuzz', target: name, seed: options.seed, first: from, stride: options.workers, end: options.runs, timeoutMs: options.timeoutMs, shared };
      const worker = startWorker(job);
      let done = 0;
      let finished = false;
      let watched = { index: -1, since: 0 };
      const currentInput = (): { index: number; input: Uint8Array } => ({
        index: Atomics.load(header, SLOT_INDEX),
        input: new Uint8Array(shared, SHARED_HEADER_BYTES, Atomics.load(header, SLOT_LENGTH)).slice(),
      });
      const restartAfter = (index: number): void => {
        finished = true;
        clearInterval(watchdog);
        // What it finished since it last reported, and the input it was stopped on.
        tally.inputs += Atomics.load(header, SLOT_DONE) - done + 1;
        void worker.terminate();
        run(index + options.workers);
      };
      const watchdog = setInterval(() => {
        if (Atomics.load(header, SLOT_BUSY) !== 1) return;
        const index = Atomics.load(header, SLOT_INDEX);
        if (index !== watched.index) {
          watched = { index, since: performance.now() };
          return;
        }
        if (performance.now() - watched.since < killAfterMs) return;
        const stuck = currentInput();
        record('hang', stuck.index, stuck.input, `did not finish within ${killAfterMs} ms; the worker was stopped`, killAfterMs);
        restartAfter(stuck.index);
      }, 200);
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            tally.seeds = message.seeds;
            started ||= performance.now();
            break;
          case 'progress':
            tally.inputs += message.done - done;
            done = message.done;
            break;
          case 'finding':
            record(message.kind, message.index, message.input, message.detail, message.ms);
            break;
          case 'suspect':
            suspects.push(message.suspect);
            break;
          case 'confirmed':
            break;
          case 'done':
            tally.inputs += message.done - done;
            done = message.done;
            finished = true;
            clearInterval(watchdog);
            void worker.terminate();
            resolve();
            break;
        }
        if (performance.now() - lastPrint > 10_000) {
          lastPrint = performance.now();
          const rate = tally.inputs / ((performance.now() - started) / 1000);
          process.stdout.write(`  ${name}: ${tally.inputs.toLocaleString('en-US')} of ${options.runs.toLocaleString('en-US')}, ${rate.toFixed(0)}/s, ${tally.crashes} crashes, ${tally.hangs} hangs, ${tally.falseGoods} false goods\n`);
        }
      });
      worker.on('error', (error) => {
        if (finished) return;
        // The thread itself died (out of memory, say): a crash of the input it was running.
        const died = currentInput();
        record('crash', died.index, died.input, `worker died: ${error.stack ?? error.message}`, 0);
        restartAfter(died.index);
      });
      worker.on('exit', (code) => {
        if (finished) return;
        clearInterval(watchdog);
        reject(new Error(`worker for ${name} exited with ${code} before it was done`));
      });
    };
    run(first);
  });

  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.workers, options.runs) }, (_, w) => lane(w)));
  tally.seconds = (performance.now() - (started || t0)) / 1000;

  // The slowest suspects first: a few hundred are enough to find what is really slow.
  const queue = suspects.sort((a, b) => b.wallMs - a.wallMs).slice(0, 200);
  tally.slowOnlyUnderLoad += suspects.length - queue.length;
  while (queue.length > 0) {
    const stopped = await confirm(name, queue, options, killAfterMs, (index, cpuMs, wallMs) => {
      const suspect = queue.find((s) => s.index === index);
      if (!suspect) return;
      queue.splice(queue.indexOf(suspect), 1);
      if (cpuMs > options.timeoutMs) {
        record('hang', index, suspect.input, `fastest of three runs alone took ${cpuMs.toFixed(0)} ms of CPU time (${wallMs.toFixed(0)} ms wall time; ${suspect.wallMs.toFixed(0)} ms while fuzzing)`, cpuMs);
      } else {
        tally.slowOnlyUnderLoad++;
      }
    });
    if (stopped) {
      const suspect = queue.find((s) => s.index === stopped);
      if (suspect) {
        queue.splice(queue.indexOf(suspect), 1);
        record('hang', suspect.index, suspect.input, `did not finish within ${killAfterMs} ms when run alone; the worker was stopped`, killAfterMs);
      }
    }
  }
  return tally;
}

/**
 * Times each suspect alone in one worker (worker.ts, confirming job). Resolves with the
 * number of an input that did not finish, after stopping the worker, or undefined when all
 * were timed.
 */
function confirm(
  name: string,
  suspects: readonly Suspect[],
  options: Options,
  killAfterMs: number,
  onTimed: (index: number, cpuMs: number, wallMs: number) => void,
): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    const header = new Int32Array(shared, 0, SHARED_HEADER_BYTES / 4);
    const worker = startWorker({ mode: 'confirm', target: name, timeoutMs: options.timeoutMs, shared, suspects: [...suspects] });
    let finished = false;
    let watched = { index: -1, since: 0 };
    const finish = (stopped: number | undefined): void => {
      finished = true;
      clearInterval(watchdog);
      void worker.terminate();
      resolve(stopped);
    };
    const watchdog = setInterval(() => {
      if (Atomics.load(header, SLOT_BUSY) !== 1) return;
      const index = Atomics.load(header, SLOT_INDEX);
      if (index !== watched.index) watched = { index, since: performance.now() };
      // Three runs of the input are timed: give them three times as long.
      else if (performance.now() - watched.since > 3 * killAfterMs) finish(index);
    }, 200);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'confirmed') onTimed(message.index, message.cpuMs, message.wallMs);
      else if (message.type === 'done') finish(undefined);
    });
    worker.on('error', (error) => {
      if (!finished) reject(error);
    });
  });
}

async function replay(options: Options): Promise<number> {
  const name = options.targets[0] ?? '';
  const definition = TARGETS.find((t) => t.name === name);
  if (!definition || !options.replay) throw new Error(`--replay needs one --target\n${USAGE}`);
  const target = await definition.prepare();
  const input = new Uint8Array(readFileSync(options.replay));
  const outcome = await attempt(target, input);
  const { cpuMs, wallMs } = await timeAlone(target, input);
  process.stdout.write(`${name}: ${outcome.kind}; fastest of three runs ${cpuMs.toFixed(1)} ms CPU time, ${wallMs.toFixed(1)} ms wall time\n${outcome.kind === 'ok' ? '' : `${outcome.detail}\n`}`);
  return outcome.kind === 'ok' && cpuMs <= options.timeoutMs ? 0 : 1;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.list) {
    for (const t of TARGETS) process.stdout.write(`${t.name.padEnd(16)} ${t.summary}\n`);
    return 0;
  }
  if (options.replay) return replay(options);
  const dir = path.join(options.out, `${new Date().toISOString().replace(/[:.]/g, '-')}-seed${options.seed}`);
  const writer = new FindingWriter(dir, options.seed);
  process.stdout.write(`fuzzing with seed ${options.seed}, ${options.runs.toLocaleString('en-US')} inputs per target, ${options.workers} workers; findings go to ${dir}\n`);
  const tallies: Tally[] = [];
  for (const name of options.targets) {
    process.stdout.write(`${name}:\n`);
    const tally = await fuzzTarget(name, options, writer);
    tallies.push(tally);
    process.stdout.write(`  ${name}: ${tally.inputs.toLocaleString('en-US')} inputs from ${tally.seeds} seeds, ${tally.crashes} crashes (${tally.crashKinds.size} distinct), ${tally.hangs} hangs, ${tally.falseGoods} false goods, ${(tally.inputs / tally.seconds).toFixed(0)} inputs/s; ${tally.slowOnlyUnderLoad} slow only while the machine was busy\n`);
  }
  const rows = tallies.map((t) => [t.target, t.inputs, t.crashes, t.hangs, t.falseGoods, Math.round(t.inputs / t.seconds)] as const);
  process.stdout.write(`\n${['target', 'inputs', 'crashes', 'hangs', 'false goods', 'inputs/s'].join('\t')}\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({
    seed: options.seed, runs: options.runs, workers: options.workers, timeoutMs: options.timeoutMs,
    targets: tallies.map((t) => ({ ...t, crashKinds: Object.fromEntries(t.crashKinds), inputsPerSecond: t.inputs / t.seconds })),
  }, null, 2));
  return tallies.some((t) => t.crashes + t.hangs + t.falseGoods > 0) ? 1 : 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
