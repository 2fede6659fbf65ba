/**
 * How long the content script holds the webmail page's main thread, from a Chromium trace
 * taken while an operation runs. A PerformanceObserver in the page cannot tell: Long
 * Animation Frames name the page's own scripts but leave out those of an extension's
 * isolated world. The trace does: each task the renderer's main thread runs
 * (ThreadControllerImpl::RunTask) holds the JavaScript it ran, as FunctionCall,
 * EvaluateScript, TimerFire and the like, with the script's URL.
 */
import type { BrowserContext, Page } from 'playwright-core';

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly args?: { readonly data?: { readonly url?: string } };
}

export interface MainThreadUse {
  /** The longest the content script's JavaScript ran within one task, ms. */
  readonly contentScriptMs: number;
  /** The longest task on that thread in which the content script ran at all, ms. */
  readonly contentScriptTaskMs: number;
  /** The longest task of any kind on that thread, ms. */
  readonly longestTaskMs: number;
}

const TASK = 'ThreadControllerImpl::RunTask';

/** The union length of intervals, so that nested calls are counted once. */
function covered(intervals: readonly (readonly [number, number])[]): number {
  let total = 0;
  let end = -Infinity;
  for (const [start, stop] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (stop <= end) continue;
    total += stop - Math.max(start, end);
    end = stop;
  }
  return total;
}

export function mainThreadUse(events: readonly TraceEvent[], contentScriptPrefix: string): MainThreadUse {
  const ours = events.filter((e) => e.ph === 'X' && e.dur !== undefined && e.args?.data?.url?.startsWith(contentScriptPrefix) === true);
  const threads = new Set(ours.map((e) => `${e.pid}:${e.tid}`));
  let contentScript = 0;
  let contentScriptTask = 0;
  let longest = 0;
  for (const thread of threads) {
    const onThread = (e: TraceEvent): boolean => `${e.pid}:${e.tid}` === thread;
    const tasks = events.filter((e) => e.name === TASK && e.ph === 'X' && onThread(e));
    const calls = ours.filter(onThread);
    for (const task of tasks) {
      const end = task.ts + (task.dur ?? 0);
      longest = Math.max(longest, task.dur ?? 0);
      const inside = calls.filter((c) => c.ts >= task.ts && c.ts < end).map((c) => [c.ts, c.ts + (c.dur ?? 0)] as const);
      if (inside.length === 0) continue;
      contentScript = Math.max(contentScript, covered(inside));
      contentScriptTask = Math.max(contentScriptTask, task.dur ?? 0);
    }
  }
  return { contentScriptMs: contentScript / 1000, contentScriptTaskMs: contentScriptTask / 1000, longestTaskMs: longest / 1000 };
}

/** Runs `operation` while Chromium traces, and reads the content script's use of the main thread from the trace. */
export async function traceMainThread(context: BrowserContext, page: Page, extensionOrigin: string, operation: () => Promise<void>): Promise<MainThreadUse> {
  const browser = context.browser();
  if (!browser) throw new Error('no browser behind this context to trace');
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
  let trace: Buffer;
  try {
    await operation();
  } finally {
    trace = await browser.stopTracing();
  }
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  return mainThreadUse(Array.isArray(parsed) ? parsed : parsed.traceEvents ?? [], `${extensionOrigin}/content/`);
}
