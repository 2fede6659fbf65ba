/**
 * One fuzzing worker thread. In a fuzzing job it makes and runs inputs first,
 * first + stride, … of one target; the input being run and its number are kept in memory
 * shared with the main thread, so that when an input never finishes the main thread can
 * stop this thread and still save the input. An input slower than the time limit in wall
 * time is only a suspect: the 2 cores are shared, and a busy machine must not make hangs
 * out of nothing. Suspects are run again afterwards in a confirming job, alone in the
 * process, where the process's CPU time is this thread's; only an input that takes more
 * CPU time than the limit is a hang.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { isCachetError } from '../../src/errors';
import { MAX_INPUT_BYTES } from './mutate';
import { Rng } from './random';
import type { PreparedTarget } from './target';
import { TARGETS } from './targets';

export interface Suspect {
  readonly index: number;
  readonly input: Uint8Array;
  readonly wallMs: number;
}

interface JobBase {
  readonly target: string;
  readonly timeoutMs: number;
  readonly shared: SharedArrayBuffer;
}

export type WorkerJob =
  | (JobBase & {
    readonly mode: 'fuzz';
    readonly seed: number;
    readonly first: number;
    readonly stride: number;
    /** Inputs numbered below this are run. */
    readonly end: number;
  })
  | (JobBase & { readonly mode: 'confirm'; readonly suspects: readonly Suspect[] });

export type FindingKind = 'crash' | 'hang' | 'false-good';

export type WorkerMessage =
  | { readonly type: 'ready'; readonly seeds: number }
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'finding'; readonly kind: FindingKind; readonly index: number; readonly input: Uint8Array; readonly detail: string; readonly ms: number }
  | { readonly type: 'suspect'; readonly suspect: Suspect }
  | { readonly type: 'confirmed'; readonly index: number; readonly cpuMs: number; readonly wallMs: number }
  | { readonly type: 'done'; readonly done: number };

/** Shared layout: the input's number, a busy flag, its length and the inputs done, then its bytes. */
export const SHARED_HEADER_BYTES = 16;
export const SHARED_BYTES = SHARED_HEADER_BYTES + MAX_INPUT_BYTES;
export const SLOT_INDEX = 0;
export const SLOT_BUSY = 1;
export const SLOT_LENGTH = 2;
/** Inputs this worker has finished, for the count when it has to be stopped. */
export const SLOT_DONE = 3;

type Outcome = { readonly kind: 'ok' } | { readonly kind: 'crash' | 'false-good'; readonly detail: string };

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return `thrown value that is not an Error: ${String(error)}`;
}

/** Runs one input: a CachetError is the expected refusal, anything else thrown is a crash. */
export async function attempt(target: PreparedTarget, input: Uint8Array): Promise<Outcome> {
  try {
    const falseGood = await target.run(input);
    return falseGood === undefined ? { kind: 'ok' } : { kind: 'false-good', detail: falseGood };
  } catch (error) {
    if (isCachetError(error)) return { kind: 'ok' };
    return { kind: 'crash', detail: describeError(error) };
  }
}

/** The fastest of three runs, in CPU time of the whole process and in wall time. */
export async function timeAlone(target: PreparedTarget, input: Uint8Array): Promise<{ cpuMs: number; wallMs: number }> {
  let cpuMs = Infinity;
  let wallMs = Infinity;
  for (let run = 0; run < 3; run++) {
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await attempt(target, input);
    const used = process.cpuUsage(cpu);
    wallMs = Math.min(wallMs, performance.now() - wall);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { cpuMs, wallMs };
}

async function work(job: WorkerJob, port: NonNullable<typeof parentPort>): Promise<void> {
  const send = (message: WorkerMessage): void => port.postMessage(message);
  const header = new Int32Array(job.shared, 0, SHARED_HEADER_BYTES / 4);
  const inputSlot = new Uint8Array(job.shared, SHARED_HEADER_BYTES);
  const definition = TARGETS.find((t) => t.name === job.target);
  if (!definition) throw new Error(`unknown target ${job.target}`);
  const target = await definition.prepare();
  send({ type: 'ready', seeds: target.seeds.length });

  const running = (index: number, input: Uint8Array): void => {
    inputSlot.set(input.subarray(0, MAX_INPUT_BYTES));
    Atomics.store(header, SLOT_LENGTH, Math.min(input.length, MAX_INPUT_BYTES));
    Atomics.store(header, SLOT_INDEX, index);
    Atomics.store(header, SLOT_BUSY, 1);
  };

  if (job.mode === 'confirm') {
    for (const [n, suspect] of job.suspects.entries()) {
      running(suspect.index, suspect.input);
      const { cpuMs, wallMs } = await timeAlone(target, suspect.input);
      Atomics.store(header, SLOT_BUSY, 0);
      Atomics.store(header, SLOT_DONE, n + 1);
      send({ type: 'confirmed', index: suspect.index, cpuMs, wallMs });
    }
    send({ type: 'done', done: job.suspects.length });
    return;
  }

  let current: { index: number; input: Uint8Array } = { index: -1, input: new Uint8Array() };
  // A rejection nobody awaited escaped the target: a crash of the input being run.
  process.on('unhandledRejection', (reason) => {
    send({ type: 'finding', kind: 'crash', index: current.index, input: current.input, detail: `unhandled rejection: ${describeError(reason)}`, ms: 0 });
  });

  let done = 0;
  let lastReport = performance.now();
  for (let index = job.first; index < job.end; index += job.stride) {
    const input = target.generate(Rng.forInput(job.seed, job.target, index));
    current = { index, input };
    running(index, input);
    const started = performance.now();
    const outcome = await attempt(target, input);
    const ms = performance.now() - started;
    Atomics.store(header, SLOT_BUSY, 0);
    if (ms > job.timeoutMs) send({ type: 'suspect', suspect: { index, input, wallMs: ms } });
    if (outcome.kind !== 'ok') send({ type: 'finding', kind: outcome.kind, index, input, detail: outcome.detail, ms });
    // A turn of the event loop: a rejection no one awaited is reported now, against this input.
    await new Promise((resolve) => setImmediate(resolve));
    done++;
    Atomics.store(header, SLOT_DONE, done);
    if (performance.now() - lastReport > 1000) {
      send({ type: 'progress', done });
      lastReport = performance.now();
    }
  }
  send({ type: 'done', done });
}

if (parentPort) await work(workerData as WorkerJob, parentPort);
