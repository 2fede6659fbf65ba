/**
 * The organisation directory as a B6 source: people's entries (step 2), then contacts'
 * (step 3), each entry's certificate attributes in the policy's order (userCertificate;binary
 * before userSMIMECertificate by default). An entry's addresses (mail, proxyAddresses,
 * otherMailbox) are the other addresses of its certificates' holder (B1), and CA
 * certificates an entry holds (a userSMIMECertificate often carries the chain) serve as
 * intermediates for its other certificates rather than as candidates.
 */
import { isCa, parseCertificate } from '../pki/parsed-certificate';
import type { DirectoryEntry, DirectorySearch, NativeRes } from '../protocol/native';
import { base64ToBytes } from '../protocol/runtime-bytes';
import type { DirectoryPolicy } from '../policy';
import type { CandidateCertificate, RecipientSource } from './recipient-sources';

export type DirectoryAnswer = NativeRes<'directory/search'>;

/** Searches the directory for one address (through the native host, or the host's client in the CLI). */
export type DirectorySearchFunction = (address: string) => Promise<DirectoryAnswer>;

/** The native search a directory policy asks for. */
export function directorySearchOf(policy: DirectoryPolicy): DirectorySearch {
  return {
    url: policy.url,
    startTls: policy.startTls,
    bindDn: policy.bindDn,
    timeoutMs: policy.timeoutMs,
    baseDn: policy.baseDn,
    scope: policy.scope,
    filter: policy.filter,
    personClasses: policy.personClasses,
    contactClasses: policy.contactClasses,
    certificateAttributes: policy.attributes,
    sizeLimit: policy.sizeLimit,
  };
}

function isCaCertificate(der: Uint8Array): boolean {
  try {
    return isCa(parseCertificate(der));
  } catch {
    // Not decodable: it stays a candidate, and the look-up says it is malformed.
    return false;
  }
}

interface EntryCertificates {
  readonly entry: DirectoryEntry & { readonly kind: 'person' | 'contact' };
  readonly leaves: readonly { readonly attribute: string; readonly der: Uint8Array }[];
  readonly intermediates: readonly Uint8Array[];
}

function entryCertificates(entry: DirectoryEntry & { readonly kind: 'person' | 'contact' }): EntryCertificates {
  const leaves: { attribute: string; der: Uint8Array }[] = [];
  const intermediates: Uint8Array[] = [];
  for (const { attribute, der } of entry.certificates) {
    const bytes = base64ToBytes(der);
    if (isCaCertificate(bytes)) intermediates.push(bytes);
    else leaves.push({ attribute, der: bytes });
  }
  return { entry, leaves, intermediates };
}

const isKind = (kind: 'person' | 'contact') => (entry: DirectoryEntry): entry is DirectoryEntry & { readonly kind: typeof kind } => entry.kind === kind;

/** The B6 steps of one directory answer: people then contacts, by attribute within each. */
export function directorySteps(answer: DirectoryAnswer, attributes: readonly string[]): CandidateCertificate[][] {
  const steps: CandidateCertificate[][] = [];
  for (const kind of ['person', 'contact'] as const) {
    const entries = answer.entries.filter(isKind(kind)).map(entryCertificates);
    for (const attribute of attributes) {
      const step: CandidateCertificate[] = [];
      for (const { entry, leaves, intermediates } of entries) {
        for (const leaf of leaves) {
          if (leaf.attribute !== attribute) continue;
          step.push({
            der: leaf.der,
            origin: { source: 'directory', kind, dn: entry.dn, attribute },
            aliases: entry.addresses,
            intermediates,
            // The directory says nothing of what the holder's mail program reads (B8).
            capabilities: null,
          });
        }
      }
      if (step.length > 0) steps.push(step);
    }
  }
  return steps;
}

/** What is worth telling about an answer besides its certificates. */
export function directoryNotes(answer: DirectoryAnswer): string[] {
  const notes: string[] = [];
  const other = answer.entries.filter((e) => e.kind === 'other').length;
  if (other > 0) notes.push(`${other} matching ${other === 1 ? 'entry is' : 'entries are'} neither a person nor a contact and ${other === 1 ? 'was' : 'were'} passed over`);
  if (answer.truncated) notes.push(`the directory has more matching entries than the ${answer.entries.length} it sent (the size limit); only those were read`);
  return notes;
}

export function directorySource(search: DirectorySearchFunction, attributes: readonly string[]): RecipientSource {
  return {
    name: 'directory',
    async find(address) {
      const answer = await search(address);
      return { steps: directorySteps(answer, attributes), notes: directoryNotes(answer) };
    },
  };
}

/**
 * The user's other addresses from their own people's entries (B1), for matching their own
 * certificates; without the address itself. Contacts are other people's entries.
 */
export function ownAliases(answer: DirectoryAnswer, address: string): string[] {
  const key = address.toLowerCase();
  const out: string[] = [];
  for (const entry of answer.entries.filter(isKind('person'))) {
    for (const other of entry.addresses) {
      if (other.toLowerCase() !== key && !out.some((o) => o.toLowerCase() === other.toLowerCase())) out.push(other);
    }
  }
  return out;
}
