/**
 * Follows the framing of what an LDAP server sends: a run of BER SEQUENCEs, the
 * LDAPMessages (RFC 4511 §4.1.1), each a 0x30 tag, a definite length (§5.1: no indefinite
 * form) and that many bytes. ldapts waits for more data on anything it cannot read as the
 * start of a message, so a server speaking HTTP, or sending noise, would hold a request
 * until its time ran out; followed here as the bytes arrive, it is caught at once.
 */
const SEQUENCE = 0x30;
/** Lengths up to 2^32 - 1; ldapts reads no longer ones either. */
const MAX_LENGTH_BYTES = 4;

export class LdapFraming {
  #state: 'tag' | 'length' | 'length-bytes' | 'body' = 'tag';
  #lengthBytesLeft = 0;
  #bodyLeft = 0;

  /** Takes the next bytes; returns what is wrong with them, or undefined while all is well. */
  feed(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      const byte = chunk[i] ?? 0;
      switch (this.#state) {
        case 'tag':
          if (byte !== SEQUENCE) return `a message starts with byte 0x${byte.toString(16).padStart(2, '0')}, not a SEQUENCE`;
          this.#state = 'length';
          i += 1;
          break;
        case 'length':
          i += 1;
          if (byte < 0x80) {
            this.#startBody(byte);
          } else {
            this.#lengthBytesLeft = byte & 0x7f;
            if (this.#lengthBytesLeft === 0 || this.#lengthBytesLeft > MAX_LENGTH_BYTES) return 'a message has an indefinite or oversized length';
            this.#bodyLeft = 0;
            this.#state = 'length-bytes';
          }
          break;
        case 'length-bytes':
          i += 1;
          this.#bodyLeft = this.#bodyLeft * 256 + byte;
          this.#lengthBytesLeft -= 1;
          if (this.#lengthBytesLeft === 0) this.#startBody(this.#bodyLeft);
          break;
        case 'body': {
          const take = Math.min(this.#bodyLeft, chunk.length - i);
          i += take;
          this.#bodyLeft -= take;
          if (this.#bodyLeft === 0) this.#state = 'tag';
          break;
        }
      }
    }
    return undefined;
  }

  #startBody(length: number): void {
    this.#bodyLeft = length;
    this.#state = length === 0 ? 'tag' : 'body';
  }
}
