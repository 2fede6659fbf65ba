/**
 * Lays a header field out on lines. Callers hand over unbreakable pieces ("words") and the
 * whitespace between them; the folder breaks lines only before whitespace, as RFC 5322
 * §2.2.3 requires, so unfolding (deleting each CRLF) gives back the exact value.
 *
 * Lines are kept to 78 characters (RFC 5322 §2.1.1 "SHOULD"), and to 76 when they carry
 * an RFC 2047 encoded word (RFC 2047 §2). A word too long for any line still goes on a
 * line of its own: callers keep words short (they encode long text), so lines stay far
 * below the hard limit of 998.
 */

export const HEADER_LINE_LIMIT = 78;
export const ENCODED_WORD_LINE_LIMIT = 76;

export class HeaderFolder {
  private readonly lines: string[] = [];
  private line: string;
  private lineHasEncodedWord = false;
  /** Whitespace waiting to precede the next word; a fold may be placed in front of it. */
  private pending = ' ';

  /** `name` must already be a valid field name (RFC 5322 §3.6.8 ftext). */
  constructor(name: string) {
    this.line = `${name}:`;
  }

  /** Adds whitespace that separates words (space or tab only). */
  space(whitespace = ' '): void {
    this.pending += whitespace;
  }

  /** Characters left on the current line for a word placed after the pending whitespace. */
  room(encoded: boolean): number {
    const limit = encoded || this.lineHasEncodedWord ? ENCODED_WORD_LINE_LIMIT : HEADER_LINE_LIMIT;
    return limit - this.line.length - this.pending.length;
  }

  /** True when a fold could be placed before the next word. */
  canFold(): boolean {
    return this.pending.length > 0;
  }

  /** Starts a new line before the pending whitespace (which must not be empty). */
  fold(): void {
    if (this.pending.length === 0) return;
    this.lines.push(this.line);
    this.line = '';
    this.lineHasEncodedWord = false;
  }

  /** Room the next word would have right after a fold. */
  roomAfterFold(encoded: boolean): number {
    const limit = encoded ? ENCODED_WORD_LINE_LIMIT : HEADER_LINE_LIMIT;
    return limit - this.pending.length;
  }

  /** Adds an unbreakable word, folding first when it would not fit on the current line. */
  word(text: string, encoded = false): void {
    if (this.room(encoded) < text.length && this.canFold() && this.line.length > 0) this.fold();
    this.line += this.pending + text;
    this.pending = '';
    if (encoded) this.lineHasEncodedWord = true;
  }

  /** The whole field, lines joined by CRLF, ending in CRLF. */
  finish(): string {
    const last = this.line + this.pending;
    this.pending = '';
    return [...this.lines, last].join('\r\n') + '\r\n';
  }
}
