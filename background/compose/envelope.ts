/**
 * The SMTP envelope of a composed message: the From's address as return path and every
 * To, Cc and Bcc address as recipients (RFC 5321 §3.3), each once.
 */
import { parseMailbox } from '../../src/mime/mailbox-list';
import type { ComposeRequest } from '../../src/protocol/runtime';
import type { Envelope } from '../transports/transport';

export function envelopeOf(request: ComposeRequest): Envelope {
  const addresses = [...request.to, ...request.cc, ...request.bcc].map((entry) => parseMailbox(entry).address);
  const seen = new Set<string>();
  const to = addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { from: parseMailbox(request.from).address, to };
}
