/** What cms.bench.ts asks of one cms-worker process, and what it answers. */

export type CmsOperation = 'idle' | 'sign' | 'encrypt' | 'triple' | 'decrypt' | 'verify' | 'open';

export interface CmsJob {
  readonly op: CmsOperation;
  readonly input: string;
  readonly output: string;
  /** PEM files: the signer's and recipient's certificate and key, the intermediate, the root. */
  readonly keys: { readonly cert: string; readonly key: string; readonly chain: string; readonly root: string };
  readonly warmups: number;
  readonly runs: number;
}

export interface CmsJobResult {
  /** Milliseconds per timed run. */
  readonly samples: number[];
  /** Peak resident set size of the worker process, KiB. */
  readonly maxRssKiB: number;
}
