/**
 * Collects the warnings of one parsed part. Hostile input can give a warning per line or
 * per parameter (a 1 MB header holds over 100,000 of either), so only the first ones are
 * kept and the rest are counted: what a part holds stays small whatever the input, and no
 * caller ever spreads a list of unbounded length into a call (issue 13).
 */

/** Warnings kept per part; more are only counted. Real mail gives a handful. */
export const MAX_WARNINGS_PER_PART = 100;

/** Where a parser reports a problem it tolerated. */
export interface WarningSink {
  add(text: string): void;
}

export class WarningList implements WarningSink {
  readonly #kept: string[] = [];
  #more = 0;

  constructor(private readonly limit = MAX_WARNINGS_PER_PART) {}

  add(text: string): void {
    if (this.#kept.length < this.limit) this.#kept.push(text);
    else this.#more++;
  }

  /** A sink that writes into this list with `prefix` before each warning. */
  prefixed(prefix: string): WarningSink {
    return { add: (text) => this.add(prefix + text) };
  }

  /** The kept warnings, then one line counting those left out. */
  toArray(): string[] {
    if (this.#more === 0) return [...this.#kept];
    return [...this.#kept, `… and ${this.#more.toLocaleString('en-US')} more warnings`];
  }
}

/** For callers that want a parser's result but not its warnings. */
export const IGNORED_WARNINGS: WarningSink = { add: () => undefined };
