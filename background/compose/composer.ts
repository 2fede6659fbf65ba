import type { ComposeRequest, RecipientView } from '../../src/protocol/runtime';

/** Secure compose's work in the background: recipient certificates (B6–B8) and the S/MIME message (B12–B18). */
export interface Composer {
  recipients(addresses: readonly string[]): Promise<RecipientView[]>;
  /** The complete RFC 5322 message, signed and/or encrypted as asked and as policy allows. */
  build(request: ComposeRequest): Promise<{ message: Uint8Array; fileName: string }>;
}
