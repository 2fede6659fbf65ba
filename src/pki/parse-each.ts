/**
 * Certificates and CRLs that came with a message or a policy, parsed one by one: a broken
 * one is left out, since it can only fail to help build a path, and validation then says
 * what is missing.
 */
export function parseEachSkippingBroken<T>(items: readonly Uint8Array[] | undefined, parse: (der: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const der of items ?? []) {
    try {
      out.push(parse(der));
    } catch {
      // Left out on purpose; see above.
    }
  }
  return out;
}
