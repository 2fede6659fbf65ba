/**
 * One recipient's encryption certificate for compose (B6–B8): the address book, then the
 * organisation directory's people and contacts, in the order src/directory/recipient-sources.ts
 * keeps for compose and `cachet lookup` alike, each candidate validated for encryption to
 * that address by the background's validation (RFC 5280 path, revocation, trust, B9–B11)
 * before it may be chosen. Here the answer becomes what compose shows: where the
 * certificate came from, or why none fitted, with every certificate passed over.
 */
import { isCachetError } from '../../src/errors';
import { directorySource, type DirectorySearchFunction } from '../../src/directory/directory-source';
import {
  lookUpRecipient, type CertificateOrigin, type ConsideredCertificate, type RecipientLookup, type RecipientSource, type SkipReason,
} from '../../src/directory/recipient-sources';
import { parseMailbox } from '../../src/mime/mailbox-list';
import type { EncryptionAlgorithm, Policy } from '../../src/policy';
import type { CertificateSummary, RecipientEntryView, RecipientSourceName, RecipientView, SkippedCertificateView } from '../../src/protocol/runtime';
import type { AddressBook } from '../address-book/address-book';
import { summariseCertificate, summaryOnly } from '../address-book/certificate-summary';
import type { CertificateValidation } from '../pki/certificate-validation';
import { OID_RSAES_OAEP } from '../../src/cms/oids';
import type { KeyTransportChoice } from '../../src/cms/recipient-info-ktri';

export interface ResolvedRecipient {
  readonly view: RecipientView;
  /** DER of the certificate to encrypt to; present exactly when the state is 'ok'. */
  readonly certificate?: Uint8Array;
  /** The allowed algorithms this recipient can read, in policy order (B8). */
  readonly algorithms: readonly EncryptionAlgorithm[];
  /**
   * RSAES-OAEP when the holder announced it in SMIMECapabilities (DESIGN.md, Choices),
   * else absent (RSAES-PKCS1-v1_5). The address book keeps the announced OIDs, not their
   * parameters, so OAEP is written with RFC 4055's default parameters (SHA-1, MGF1-SHA-1),
   * which every OAEP implementation reads.
   */
  readonly keyTransport?: KeyTransportChoice;
}

function announcedKeyTransport(capabilities: readonly string[] | null): KeyTransportChoice | undefined {
  return capabilities?.includes(OID_RSAES_OAEP) ? { name: 'RSA-OAEP', hash: 'SHA-1' } : undefined;
}

export interface LookupContext {
  readonly addressBook: AddressBook;
  readonly validation: CertificateValidation;
  readonly policy: Policy;
  readonly now: Date;
  /** The organisation directory's search (B6 steps 2–3); absent when the policy names none. */
  readonly directory?: DirectorySearchFunction;
  readonly subtle: SubtleCrypto;
}

/** What compose's background services give a look-up. */
export interface LookupServices {
  readonly addressBook: AddressBook;
  readonly validation: CertificateValidation;
  readonly crypto: Crypto;
  readonly directory?: { searchFor(policy: NonNullable<Policy['directory']>): DirectorySearchFunction };
}

/** The search of the policy's directory, or undefined when there is none (or no native host to ask). */
export function directorySearch(services: Pick<LookupServices, 'directory'>, policy: Policy): DirectorySearchFunction | undefined {
  return policy.directory !== null ? services.directory?.searchFor(policy.directory) : undefined;
}

export function lookupContext(services: LookupServices, policy: Policy, now: Date): LookupContext {
  const directory = directorySearch(services, policy);
  return {
    addressBook: services.addressBook, validation: services.validation, policy, now, subtle: services.crypto.subtle,
    ...(directory ? { directory } : {}),
  };
}

/** B6 step 1: the address book's certificates for the address, with the capabilities their holders announced (B8). */
function addressBookSource(addressBook: AddressBook): RecipientSource {
  return {
    name: 'address-book',
    async find(address) {
      const records = await addressBook.lookup(address);
      const step = records.map((record) => ({
        der: record.der, origin: { source: 'address-book' as const }, aliases: [], intermediates: [], capabilities: record.capabilities,
      }));
      return { steps: step.length > 0 ? [step] : [], notes: [] };
    },
  };
}

/** The worst reason is the most telling: a certificate that failed validation says more than one for another address. */
const skipRank: readonly SkipReason[] = ['invalid', 'outside-validity', 'wrong-usage', 'malformed', 'not-on-token', 'no-address-match'];

function originView(origin: CertificateOrigin): { source: RecipientSourceName; entry?: RecipientEntryView } {
  return origin.source === 'address-book'
    ? { source: 'address-book' }
    : { source: 'directory', entry: { kind: origin.kind, dn: origin.dn } };
}

async function summaryOf(considered: ConsideredCertificate, context: LookupContext): Promise<CertificateSummary | undefined> {
  try {
    return summaryOnly(await summariseCertificate(considered.candidate.der, context.subtle));
  } catch {
    return undefined;
  }
}

type Skipped = ConsideredCertificate & { readonly verdict: { readonly outcome: 'skipped'; readonly reason: SkipReason; readonly detail: string } };
const isSkipped = (c: ConsideredCertificate): c is Skipped => c.verdict.outcome === 'skipped';

/** Subjects are written as the certificate summaries write them, so the verdict and the list read alike. */
async function skippedView(skipped: Skipped, context: LookupContext): Promise<SkippedCertificateView> {
  const subject = (await summaryOf(skipped, context))?.subject ?? '';
  return { ...originView(skipped.candidate.origin), subject, reason: skipped.verdict.detail };
}

/** Why no source had a certificate: not in the address book, and what the directory said. */
function noneDetail(lookup: RecipientLookup): string {
  const parts = ['not in your address book'];
  const directory = lookup.sources.find((s) => s.name === 'directory');
  if (directory?.state === 'answered') parts.push('nor in the directory');
  if (directory?.state === 'failed') parts.push(`the directory could not be searched: ${directory.error?.message ?? 'no reason given'}`);
  return parts.join(directory?.state === 'failed' ? '; ' : ' ');
}

/** Sources that could not answer, for the sender: a directory down does not look like "no certificate". */
function unavailable(lookup: RecipientLookup): readonly string[] {
  return lookup.sources.filter((s) => s.state === 'failed').map((s) => `${s.name === 'directory' ? 'the directory' : 'the address book'}: ${s.error?.message ?? 'no answer'}`);
}

async function viewOf(typed: string, lookup: RecipientLookup, context: LookupContext): Promise<ResolvedRecipient> {
  const skipped = lookup.considered.filter(isSkipped);
  const extra = {
    ...(skipped.length > 0 ? { skipped: await Promise.all(skipped.map((s) => skippedView(s, context))) } : {}),
    ...(unavailable(lookup).length > 0 ? { unavailable: unavailable(lookup) } : {}),
  };
  const { chosen } = lookup;
  if (chosen !== undefined) {
    const summary = await summaryOf(chosen, context);
    const { warnings, algorithms } = chosen.verdict;
    const keyTransport = announcedKeyTransport(chosen.candidate.capabilities);
    return {
      view: {
        address: typed, state: 'ok', ...originView(chosen.candidate.origin), ...(summary ? { certificate: summary } : {}),
        ...(warnings.length > 0 ? { warnings } : {}), ...extra,
      },
      certificate: chosen.candidate.der,
      algorithms,
      ...(keyTransport ? { keyTransport } : {}),
    };
  }
  // B8: a valid certificate whose holder reads none of the allowed algorithms is the nearest miss.
  const nearest = skipped.find((s) => s.verdict.reason === 'algorithm')
    ?? [...skipped].sort((a, b) => skipRank.indexOf(a.verdict.reason) - skipRank.indexOf(b.verdict.reason))[0];
  if (nearest === undefined) return { view: { address: typed, state: 'none', detail: noneDetail(lookup), ...extra }, algorithms: [] };
  const summary = await summaryOf(nearest, context);
  return {
    view: {
      address: typed, state: nearest.verdict.reason === 'algorithm' ? 'algorithm' : 'invalid', ...originView(nearest.candidate.origin),
      ...(summary ? { certificate: summary } : {}), detail: nearest.verdict.detail, ...extra,
    },
    algorithms: [],
  };
}

export async function resolveRecipient(typed: string, context: LookupContext): Promise<ResolvedRecipient> {
  let address: string;
  try {
    address = parseMailbox(typed).address;
  } catch (error) {
    const detail = isCachetError(error) ? error.message : 'not an e-mail address';
    return { view: { address: typed, state: 'none', detail }, algorithms: [] };
  }
  const { policy } = context;
  const sources = [addressBookSource(context.addressBook)];
  if (context.directory !== undefined && policy.directory !== null) sources.push(directorySource(context.directory, policy.directory.attributes));
  const lookup = await lookUpRecipient(address, {
    sources,
    policy,
    time: context.now,
    validate: (candidate, email) => context.validation.validate(candidate.der, {
      purpose: 'encrypt', email, time: context.now, intermediates: candidate.intermediates,
    }),
  });
  return viewOf(typed, lookup, context);
}
