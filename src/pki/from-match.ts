import { certificateAddresses } from './certificate-model';
import { addressesEqual } from './email-address';
import type { ParsedCertificate } from './parsed-certificate';

/**
 * Whether the message's From address is one of the signer certificate's addresses (B1
 * comparison). A good signature by someone else is not "signed by the sender", so this
 * is reported beside the signature and path verdicts, never folded into them.
 */
export interface FromMatch {
  readonly matches: boolean;
  /** The From address compared (the addr-spec of the header), undefined when there is none. */
  readonly from: string | undefined;
  /** The certificate addresses it was compared with. */
  readonly certificateAddresses: readonly string[];
}

/** The addr-spec inside a From header value: `Name <a@b>` or a bare `a@b`. */
export function fromAddress(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(header);
  if (angle) return angle[1];
  const bare = /([^\s<>,;"]+@[^\s<>,;"]+)/.exec(header);
  return bare?.[1];
}

export function fromMatches(fromHeader: string | undefined, cert: ParsedCertificate | undefined): FromMatch {
  const from = fromAddress(fromHeader);
  const addresses = cert ? certificateAddresses(cert).map((a) => a.address) : [];
  return { matches: from !== undefined && addresses.some((a) => addressesEqual(a, from)), from, certificateAddresses: addresses };
}
