/**
 * Fetching of revocation data and issuer certificates goes through this interface: the
 * browser's `fetch` in the service worker, Node's HTTP client in the CLI, LDAP through the
 * native host later (BEHAVIOURS.md B10, B20).
 */
export interface FetchRequest {
  /** Limit for this URL (`revocationUrlRetrievalTimeoutMs`, capped by what remains of the total). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** POST body (OCSP); GET when absent. */
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

export interface Fetcher {
  fetch(url: string, request: FetchRequest): Promise<Uint8Array>;
}

export class RetrievalError extends Error {
  override readonly name = 'RetrievalError';
}

export interface RetrievalLimits {
  /** `revocationUrlRetrievalTimeoutMs` (B10), default 60000. */
  readonly perUrlTimeoutMs: number;
  /** `certUrlRetrievalTimeoutMs` (B10), default 10000: all fetches of one operation together. */
  readonly totalTimeoutMs: number;
  /** Largest response accepted (CRLs of big CAs run to megabytes; more is an attack). */
  readonly maxBytes: number;
}

export const DEFAULT_RETRIEVAL_LIMITS: RetrievalLimits = { perUrlTimeoutMs: 60_000, totalTimeoutMs: 10_000, maxBytes: 32 << 20 };

/**
 * The time budget of one operation: each fetch gets the per-URL limit or what is left of
 * the total, whichever is smaller; once the total is spent no more fetches start. The
 * timeout is enforced here too, so a fetcher that ignores it cannot stall validation.
 */
export class RetrievalBudget {
  private readonly deadline: number;

  constructor(private readonly fetcher: Fetcher, private readonly limits: RetrievalLimits = DEFAULT_RETRIEVAL_LIMITS, private readonly clock: () => number = () => Date.now()) {
    this.deadline = clock() + limits.totalTimeoutMs;
  }

  get exhausted(): boolean {
    return this.clock() >= this.deadline;
  }

  async fetch(url: string, options: { body?: Uint8Array; contentType?: string } = {}): Promise<Uint8Array> {
    const remaining = this.deadline - this.clock();
    if (remaining <= 0) throw new RetrievalError(`time for certificate URL retrieval used up before ${url}`);
    const timeoutMs = Math.min(this.limits.perUrlTimeoutMs, remaining);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new RetrievalError(`${url}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const request: FetchRequest = { timeoutMs, signal: controller.signal, ...(options.body ? { body: options.body } : {}), ...(options.contentType ? { contentType: options.contentType } : {}) };
      const bytes = await Promise.race([this.fetcher.fetch(url, request), timeout]);
      if (bytes.length > this.limits.maxBytes) throw new RetrievalError(`${url}: response too large`);
      return bytes;
    } finally {
      clearTimeout(timer);
    }
  }
}
