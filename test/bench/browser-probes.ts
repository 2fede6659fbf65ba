/**
 * What `npm run bench browser` reads from inside Chromium, where the moments happen:
 * - a script put into every frame before the frame's own scripts, which notes (in that
 *   frame's clock, as milliseconds since the epoch) the click or key press that starts an
 *   operation, the animation frame in which Cachet's reader first shows the plaintext and
 *   the one in which every signer's banner is complete, the one in which Roundcube's
 *   preview shows a message's body;
 * - the JavaScript heap of the service worker, a Cachet frame and the webmail page,
 *   through the DevTools protocol.
 */
import type { BrowserContext, CDPSession, Frame } from 'playwright-core';

/** The line every benchmark message's text ends with: the text is shown once this is. */
export const END_MARKER = 'End of the benchmark message.';

export interface FrameMoments {
  readonly start: number;
  readonly shown: number;
  readonly complete: number;
}

/** Runs in every frame at document start (Playwright's addInitScript). */
function probe(marker: string): void {
  const now = (): number => performance.timeOrigin + performance.now();
  const moments = { start: 0, shown: 0, complete: 0 };
  Object.defineProperty(window, '__cachetBench', { value: moments });
  const onPaint = (record: () => void): void => {
    requestAnimationFrame(record);
  };
  const watch = (shown: () => boolean, complete: () => boolean): void => {
    const check = (): void => {
      if (moments.shown === 0 && shown()) {
        moments.shown = -1;
        onPaint(() => { moments.shown = now(); });
      }
      if (moments.complete === 0 && moments.shown !== 0 && complete()) {
        moments.complete = -1;
        onPaint(() => { moments.complete = now(); });
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  if (location.protocol === 'chrome-extension:') {
    if (location.pathname !== '/reader.html') return;
    watch(
      () => document.querySelector('.message-text')?.textContent?.includes(marker) === true,
      () => document.querySelector('main')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('.banner').length > 0 &&
        document.querySelector('.banner[data-verdict="pending"]') === null,
    );
    return;
  }
  // The webmail: its top page notes the user's click or key press; a Roundcube preview
  // frame notes when the message body is there.
  if (window === window.top) {
    for (const type of ['pointerdown', 'keydown']) {
      window.addEventListener(type, () => {
        if (moments.start === 0) moments.start = now();
      }, { capture: true });
    }
  }
  if (/[?&]_action=(?:preview|show)\b/.test(location.search)) {
    watch(() => document.getElementById('messagebody')?.textContent?.includes(marker) === true, () => true);
  }
}

export async function installProbes(context: BrowserContext): Promise<void> {
  // tsx compiles with names kept, which wraps inner functions in a __name helper that
  // pages do not have; an identity stands in for it in every frame, for page.evaluate too.
  await context.addInitScript({ content: `globalThis.__name ??= (f) => f;\n(${probe.toString()})(${JSON.stringify(END_MARKER)});` });
}

export async function moments(frame: Frame): Promise<FrameMoments | undefined> {
  return frame.evaluate(() => (window as unknown as { __cachetBench?: FrameMoments }).__cachetBench).catch(() => undefined);
}

/** Polls a frame until it has noted `what` (a time), and returns that time. */
export async function waitForMoment(frame: () => Frame | undefined, what: 'shown' | 'complete', timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = frame();
    const m = current ? await moments(current) : undefined;
    if (m && m[what] > 0) return m[what];
    if (Date.now() > deadline) throw new Error(`nothing was ${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface TargetInfo {
  readonly targetId: string;
  readonly type: string;
  readonly url: string;
}

/**
 * The used JavaScript heap of targets found by type and URL, in bytes. Each is attached
 * for the one question through the browser's own session (the service worker has no page
 * session of its own), in the protocol's message-passing mode.
 */
export class HeapProbe {
  #nextId = 1;

  private constructor(private readonly session: CDPSession) {}

  static async open(context: BrowserContext): Promise<HeapProbe> {
    const browser = context.browser();
    if (!browser) throw new Error('no browser behind this context for the DevTools protocol');
    return new HeapProbe(await browser.newBrowserCDPSession());
  }

  async targets(): Promise<TargetInfo[]> {
    const { targetInfos } = await this.session.send('Target.getTargets');
    return targetInfos;
  }

  async usedHeap(match: (target: TargetInfo) => boolean): Promise<number | undefined> {
    const target = (await this.targets()).find(match);
    if (!target) return undefined;
    const { sessionId } = await this.session.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    try {
      const id = this.#nextId++;
      const answer = new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => { this.session.off('Target.receivedMessageFromTarget', listen); resolve(undefined); }, 5_000);
        const listen = (event: { sessionId: string; message: string }): void => {
          if (event.sessionId !== sessionId) return;
          const reply = JSON.parse(event.message) as { id?: number; result?: { usedSize: number } };
          if (reply.id !== id) return;
          clearTimeout(timer);
          this.session.off('Target.receivedMessageFromTarget', listen);
          resolve(reply.result?.usedSize);
        };
        this.session.on('Target.receivedMessageFromTarget', listen);
      });
      await this.session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
      return await answer;
    } finally {
      await this.session.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.session.detach().catch(() => undefined);
  }
}

export interface HeapSample {
  readonly worker: number;
  readonly frame: number;
  readonly page: number;
}

/**
 * Samples the three heaps every `everyMs` while an operation runs and keeps the largest
 * of each; `stop` takes one last sample and returns the peaks.
 */
export function sampleHeaps(probe: HeapProbe, extensionOrigin: string, frameName: string, pageUrlPrefix: string, everyMs = 250): { stop: () => Promise<HeapSample> } {
  const peak = { worker: 0, frame: 0, page: 0 };
  let running = true;
  const once = async (): Promise<void> => {
    const [worker, frame, page] = await Promise.all([
      probe.usedHeap((t) => t.type === 'service_worker' && t.url.startsWith(extensionOrigin)),
      probe.usedHeap((t) => t.type === 'iframe' && t.url.startsWith(`${extensionOrigin}/${frameName}`)),
      probe.usedHeap((t) => t.type === 'page' && t.url.startsWith(pageUrlPrefix)),
    ]);
    peak.worker = Math.max(peak.worker, worker ?? 0);
    peak.frame = Math.max(peak.frame, frame ?? 0);
    peak.page = Math.max(peak.page, page ?? 0);
  };
  const loop = (async () => {
    while (running) {
      await once().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await once().catch(() => undefined);
      return { ...peak };
    },
  };
}
