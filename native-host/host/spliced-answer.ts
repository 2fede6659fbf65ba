/**
 * A handler's answer with one long binary field (a fetched mail message of tens of
 * megabytes) that goes to the browser as a spliced chunk run (src/protocol/framing.ts,
 * PROTOCOL.md): `res` holds "" in that field, and its base64 is cut from the octets frame
 * by frame. The browser receives the same answer as if the field's base64 were in the JSON.
 */
export class SplicedAnswer<R extends object> {
  constructor(
    readonly res: R,
    readonly field: keyof R & string,
    readonly bytes: Uint8Array,
  ) {}
}

export function isSplicedAnswer(value: unknown): value is SplicedAnswer<object> {
  return value instanceof SplicedAnswer;
}
