/**
 * The user's address book (B6 step 1): certificates imported from files, and those
 * harvested from verified signed mail together with the SMIMECapabilities the sender
 * announced (B8). The verify pipeline calls `harvest` only after a signature verified.
 */
import { CachetError } from '../../src/errors';
import type { AddressBookEntry, AddressStatus, CertificateSummary } from '../../src/protocol/runtime';
import type { CertificateDb, StoredCertificate } from './certificate-db';
import { certificatesFromFile } from './certificate-files';
import { ownBuffer } from './own-buffer';
import { normaliseAddress, summariseCertificate, summaryOnly } from './certificate-summary';

export interface HarvestInput {
  /** DER of the signer's certificate, from a signature that verified. */
  readonly certificate: Uint8Array;
  /** Content-encryption OIDs of the signer's SMIMECapabilities attribute, or null if absent. */
  readonly capabilities: readonly string[] | null;
  /** The signing time (or receipt time) of the mail, to keep the newest capabilities. */
  readonly signedAt: Date;
}

export interface AddressBook {
  importFile(bytes: Uint8Array): Promise<{ added: CertificateSummary[]; alreadyPresent: number }>;
  list(): Promise<AddressBookEntry[]>;
  remove(fingerprint: string): Promise<void>;
  /** What a content script may learn about recipients: whether a usable certificate exists. */
  status(addresses: readonly string[]): Promise<AddressStatus[]>;
  /** Certificates for one address, for the recipient lookup of B6. */
  lookup(address: string): Promise<StoredCertificate[]>;
  harvest(input: HarvestInput): Promise<void>;
}

function toEntry(record: StoredCertificate): AddressBookEntry {
  return {
    ...summaryOnly(record),
    source: record.source,
    addedAt: new Date(record.addedAtMs).toISOString(),
    capabilities: record.capabilities,
  };
}

export function createAddressBook(db: CertificateDb, subtle: SubtleCrypto, now: () => Date = () => new Date()): AddressBook {
  return {
    async importFile(bytes) {
      const added: CertificateSummary[] = [];
      let alreadyPresent = 0;
      for (const der of certificatesFromFile(bytes)) {
        const summary = await summariseCertificate(der, subtle);
        if (await db.get(summary.fingerprint)) {
          alreadyPresent++;
          continue;
        }
        await db.put({ ...summary, der, source: 'import', addedAtMs: now().getTime(), capabilities: null, capabilitiesAtMs: null });
        added.push(summaryOnly(summary));
      }
      return { added, alreadyPresent };
    },

    async list() {
      const all = await db.all();
      return all.sort((a, b) => a.subject.localeCompare(b.subject)).map(toEntry);
    },

    async remove(fingerprint) {
      if (!(await db.get(fingerprint))) throw new CachetError('input/invalid', 'no such certificate in the address book');
      await db.delete(fingerprint);
    },

    async status(addresses) {
      const at = now().getTime();
      const out: AddressStatus[] = [];
      for (const raw of addresses) {
        const address = normaliseAddress(raw);
        const found = address === undefined ? [] : await db.byAddress(address);
        const current = found.some((c) => c.notBeforeMs <= at && at <= c.notAfterMs);
        out.push({ address: raw, state: current ? 'certificate' : found.length > 0 ? 'expired' : 'none' });
      }
      return out;
    },

    async lookup(raw) {
      const address = normaliseAddress(raw);
      return address === undefined ? [] : db.byAddress(address);
    },

    async harvest({ certificate, capabilities, signedAt }) {
      const summary = await summariseCertificate(certificate, subtle);
      const existing = await db.get(summary.fingerprint);
      const signedAtMs = signedAt.getTime();
      if (existing === undefined) {
        await db.put({
          ...summary, der: new Uint8Array(ownBuffer(certificate)), source: 'harvest', addedAtMs: now().getTime(),
          capabilities, capabilitiesAtMs: capabilities === null ? null : signedAtMs,
        });
        return;
      }
      const newer = existing.capabilitiesAtMs === null || signedAtMs > existing.capabilitiesAtMs;
      if (capabilities !== null && newer) await db.put({ ...existing, capabilities, capabilitiesAtMs: signedAtMs });
    },
  };
}
