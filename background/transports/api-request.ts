/**
 * HTTP requests to a mail provider's API, the same for the Gmail API, Microsoft Graph
 * and JMAP: a time limit on each request, answers read within a byte bound, and rate
 * limiting obeyed (429, and 503 with Retry-After: RFC 9110 §10.2.3, RFC 6585 §4) by
 * waiting and trying again within a bound, then a clear error instead of a hang.
 */
import { CachetError } from '../../src/errors';
import { concatBytes } from '../../src/mime/byte-sink';

export interface ApiRequestOptions {
  readonly fetch: typeof fetch;
  /** Waits; tests pass one that records the wait instead of sleeping. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface RetryBounds {
  /** Tries after the first, for answers that ask to wait. */
  readonly retries: number;
  /** Waiting longer than this in all is not done: the user hears when to try again. */
  readonly maxWaitMs: number;
}

export const defaultRetryBounds: RetryBounds = { retries: 3, maxWaitMs: 60_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface ApiCall {
  /** Names the service in messages: "Gmail", "Microsoft Graph", "the JMAP server". */
  readonly service: string;
  readonly url: string;
  readonly init: RequestInit;
  /** Milliseconds for the whole request, answer included. */
  readonly timeoutMs: number;
  /**
   * Whether an answer asks to wait and try again. Besides 429 and 503, Gmail says
   * rateLimitExceeded in a 403; the caller's check may read the body from a clone.
   */
  readonly throttled?: (response: Response) => Promise<boolean>;
}

/**
 * Runs the call, waiting as the server asks on 429 (or `throttled`) for up to
 * `bounds.retries` more tries and `bounds.maxWaitMs` in all. Without Retry-After it
 * backs off exponentially from one second.
 */
export async function apiRequest(call: ApiCall, options: ApiRequestOptions, bounds: RetryBounds = defaultRetryBounds): Promise<Response> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  let waited = 0;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await options.fetch(call.url, { ...call.init, signal: AbortSignal.timeout(call.timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${Math.round(call.timeoutMs / 1000)} s` : error.message) : String(error);
      throw new CachetError('mail/unreachable', `${call.service} could not be reached at ${new URL(call.url).host}: ${reason}`);
    }
    if (response.ok) return response;
    // Refusals are small: read once, they can be looked into any number of times, and no
    // clone is left holding a tee of the body open (cancelling one branch waits for both).
    const copy = await rereadable(response, call.service);
    const limited = response.status === 429
      || (response.status === 503 && response.headers.has('retry-after'))
      || (call.throttled !== undefined && (await call.throttled(copy())));
    if (!limited) return copy();
    const asked = retryAfterMs(response.headers.get('retry-after'), now());
    const wait = asked ?? 1000 * 2 ** attempt;
    if (attempt >= bounds.retries || waited + wait > bounds.maxWaitMs) {
      const when = asked !== undefined ? `; it asks to wait ${Math.ceil(asked / 1000)} s` : '';
      throw new CachetError('mail/rate-limited',
        `${call.service} is limiting how fast Cachet may send or fetch${when}. Nothing more was sent: try again ${asked !== undefined && asked > 60_000 ? 'later' : 'in a minute'}`);
    }
    waited += wait;
    await sleep(wait);
  }
}

/** Error answers worth reading are a few kilobytes; a larger one is cut, never waited for. */
const maxRefusalBytes = 1024 * 1024;

/** The answer read once, and a fresh Response of it for each look, instead of clones. */
export async function rereadable(response: Response, service: string): Promise<() => Response> {
  const bytes = await readBounded(response, maxRefusalBytes, service).catch(() => new Uint8Array(0));
  const empty = response.status === 204 || response.status === 304;
  return () => new Response(empty ? null : bytesBody(bytes), { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** Reads an answer's body within `maxBytes`, counting as it reads, whatever Content-Length says. */
export async function readBounded(response: Response, maxBytes: number, service: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new CachetError('mail/too-large', `${service} answered with more than Cachet reads (${Math.round(maxBytes / 1048576)} MiB)`);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new CachetError('mail/too-large', `${service} answered with more than Cachet reads (${Math.round(maxBytes / 1048576)} MiB)`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** A JSON answer within `maxBytes`; undefined when the body is not JSON. */
export async function readJson(response: Response, maxBytes: number, service: string): Promise<unknown> {
  const bytes = await readBounded(response, maxBytes, service);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Message bytes as a request body; Cachet's buffers are never shared memory. */
export function bytesBody(bytes: Uint8Array): BodyInit {
  return bytes as Uint8Array<ArrayBuffer>;
}
