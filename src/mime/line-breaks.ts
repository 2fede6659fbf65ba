/**
 * Line-break repair for text that must be CRLF (RFC 5322 §2.3, RFC 8551 §3.1.1), without
 * touching data that is already right.
 */

const CR = 0x0d;
const LF = 0x0a;

/**
 * Converts every LF not preceded by CR to CRLF. Returns `data` itself when nothing needs
 * changing; otherwise counts first and writes the result in one allocation.
 */
export function lfToCrlf(data: Uint8Array): Uint8Array {
  let bare = 0;
  for (let at = data.indexOf(LF); at >= 0; at = data.indexOf(LF, at + 1)) {
    if (at === 0 || data[at - 1] !== CR) bare++;
  }
  if (bare === 0) return data;
  const out = new Uint8Array(data.length + bare);
  let from = 0;
  let o = 0;
  for (let at = data.indexOf(LF); at >= 0; at = data.indexOf(LF, at + 1)) {
    if (at > 0 && data[at - 1] === CR) continue;
    out.set(data.subarray(from, at), o);
    o += at - from;
    out[o++] = CR;
    out[o++] = LF;
    from = at + 1;
  }
  out.set(data.subarray(from), o);
  return out;
}
