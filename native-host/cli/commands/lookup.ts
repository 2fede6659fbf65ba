/**
 * `cachet lookup`: finds the certificate secure compose would encrypt to for each address,
 * in B6's order (src/directory/recipient-sources.ts, the one compose uses): an address book
 * folder, then the directory's people and contacts, searched with the native host's own
 * LDAP client. It prints what each source found, each certificate's validation result,
 * and which certificate would be used. Exit 0 when every address has one, 1 when some
 * have none, 2 for unusable input (arguments, a bind password that is missing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { directorySearchOf, directorySource } from '../../../src/directory/directory-source';
import {
  lookUpRecipient, type CandidateCertificate, type ConsideredCertificate, type RecipientLookup, type RecipientSource,
} from '../../../src/directory/recipient-sources';
import { isCachetError } from '../../../src/errors';
import { parseMailbox } from '../../../src/mime/mailbox-list';
import { matchingAddress, certificateModel } from '../../../src/pki/certificate-model';
import { checkCertificate } from '../../../src/pki/check-certificate';
import { isCa, parseCertificate, type ParsedCertificate } from '../../../src/pki/parsed-certificate';
import { checkPolicyValue, defaultPolicy, type DirectoryPolicy } from '../../../src/policy';
import type { DirectoryService } from '../../directory/directory-service';
import { readValidationSettings, validationOptions, VALIDATION_FLAGS, VALIDATION_USAGE, VALIDATION_VALUED_OPTIONS, type CliValidationSettings } from '../../pki/cli-validation';
import { readCertificateStore } from '../../pki/read-certificates';
import { certificateJson, resultJson } from '../../pki/result-json';
import { keyStoreDirectory, loadHostConfig } from '../../stores/host-config';
import { EXIT_NOT_GOOD, EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs } from './cli-input';
import { readPasswordFile } from './mail-cli';

const usage = `usage: cachet lookup ADDR... [--address-book DIR] [--directory URL --base DN] [--start-tls]
                     [--bind-dn DN [--password-file F]] [--trust CA]... [validation options] [--json]
  Finds each address's encryption certificate as secure compose does (B6): the address
  book, then the directory's person entries (userCertificate;binary, then
  userSMIMECertificate), then its contact entries; within each, the selection rules
  B1–B3, then validation (path, revocation, key usage) until one is valid. Prints what
  each source found, why each certificate was passed over, and the one that would be used.
  --address-book DIR  certificates in DIR (.pem/.crt/.cer/.der, .p12 public parts) as the address book
  --directory URL     the directory, ldap://host[:port] or ldaps://host[:port]
  --base DN           where to search (required with --directory)
  --start-tls         StartTLS on an ldap:// connection
  --bind-dn DN        bind as DN (needs ldaps:// or --start-tls); the password comes from
                      --password-file F (first line, used once), else the one the native
                      host remembers for this directory and DN
  --scope base|one|sub  search scope (default sub)
  --filter F          RFC 4515 filter with {address} (default: mail, proxyAddresses, otherMailbox)
  --person-class C    an object class of people (repeatable; default person, inetOrgPerson, user)
  --contact-class C   an object class of contacts (repeatable; default contact)
  --attribute A       a certificate attribute, in order (repeatable; default userCertificate;binary,
                      userSMIMECertificate)
  --timeout MS        time limit of each search (default 5000)
  --size-limit N      most entries per search (default 20)
  --no-aliases        an entry's other addresses do not count (certMatchingDoNotUseProxies)
  --json              print sources, candidates and choices as JSON
${VALIDATION_USAGE}
  The directory server's certificate is checked against Node's CAs and the host
  configuration's directoryTrustedCertificates.
  Exit status: 0 every address has a certificate, 1 some have none, 2 unusable input.`;

const LOOKUP_VALUED = ['--address-book', '--directory', '--base', '--bind-dn', '--password-file', '--scope', '--filter', '--person-class', '--contact-class', '--attribute', '--timeout', '--size-limit'] as const;
const LOOKUP_FLAGS = ['--start-tls', '--no-aliases', '--json'] as const;

type Values = ReadonlyMap<string, readonly string[]>;

function one(values: Values, name: string): string | undefined {
  const all = values.get(name) ?? [];
  if (all.length > 1) throw new UsageError(`${name} is given more than once`);
  return all[0];
}

function whole(values: Values, name: string): number | undefined {
  const text = one(values, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) throw new UsageError(`${name} takes a whole number`);
  return Number(text);
}

/** The directory the options name, checked as the `directory` policy key is. */
function directoryOf(values: Values, flags: ReadonlySet<string>): DirectoryPolicy | undefined {
  const url = one(values, '--directory');
  const base = one(values, '--base');
  if (url === undefined) {
    const stray = ['--base', '--bind-dn', '--scope', '--filter', '--person-class', '--contact-class', '--attribute', '--timeout', '--size-limit'].find((o) => values.has(o));
    if (stray !== undefined || flags.has('--start-tls')) throw new UsageError(`${stray ?? '--start-tls'} needs --directory`);
    return undefined;
  }
  if (base === undefined) throw new UsageError('--directory needs --base DN');
  const given = (name: string, key: string, value: unknown): Record<string, unknown> => (values.has(name) ? { [key]: value } : {});
  const raw = {
    url, baseDn: base, startTls: flags.has('--start-tls'),
    ...given('--bind-dn', 'bindDn', one(values, '--bind-dn')),
    ...given('--scope', 'scope', one(values, '--scope')),
    ...given('--filter', 'filter', one(values, '--filter')),
    ...given('--person-class', 'personClasses', values.get('--person-class')),
    ...given('--contact-class', 'contactClasses', values.get('--contact-class')),
    ...given('--attribute', 'attributes', values.get('--attribute')),
    ...given('--timeout', 'timeoutMs', whole(values, '--timeout')),
    ...given('--size-limit', 'sizeLimit', whole(values, '--size-limit')),
  };
  const checked = checkPolicyValue('directory', raw);
  if (!checked.ok) throw new UsageError(`directory: ${checked.message}`);
  return checked.value ?? undefined;
}

/** The address book step: the folder's certificates that carry the address; its CA certificates build paths. */
function folderSource(certificates: readonly ParsedCertificate[]): RecipientSource {
  const intermediates = certificates.filter(isCa).map((c) => c.der);
  return {
    name: 'address-book',
    find(address) {
      const step: CandidateCertificate[] = certificates
        .filter((c) => !isCa(c) && matchingAddress(certificateModel(c), address) !== undefined)
        .map((c) => ({ der: c.der, origin: { source: 'address-book' }, aliases: [], intermediates, capabilities: null }));
      return Promise.resolve({ steps: step.length > 0 ? [step] : [], notes: [] });
    },
  };
}

function originText(candidate: CandidateCertificate): string {
  const { origin } = candidate;
  return origin.source === 'address-book' ? 'address book' : `directory ${origin.kind} ${origin.dn}, ${origin.attribute}`;
}

function subjectOf(considered: ConsideredCertificate): string {
  return considered.model?.subject ?? '(not a readable certificate)';
}

function lookupText(lookup: RecipientLookup): string {
  const lines: string[] = [];
  const { chosen } = lookup;
  lines.push(chosen
    ? `${lookup.address}: ${subjectOf(chosen)} (${originText(chosen.candidate)}), valid until ${chosen.model?.notAfter.toISOString().slice(0, 10) ?? '?'}${chosen.verdict.matchedAddress !== lookup.address ? `, issued to ${chosen.verdict.matchedAddress}` : ''}`
    : `${lookup.address}: no certificate to encrypt to`);
  for (const source of lookup.sources) {
    const what = source.state === 'answered' ? `${source.found} certificate${source.found === 1 ? '' : 's'}`
      : source.state === 'failed' ? `failed: ${source.error?.code ?? 'error'}: ${source.error?.message ?? ''}` : 'not asked (a certificate was found before it)';
    lines.push(`  ${source.name}: ${what}`);
    for (const note of source.notes) lines.push(`    note: ${note}`);
  }
  for (const considered of lookup.considered) {
    const { verdict } = considered;
    const head = `  ${verdict.outcome.padEnd(9)} ${subjectOf(considered)} [${originText(considered.candidate)}]`;
    if (verdict.outcome === 'skipped') lines.push(`${head}: ${verdict.reason}: ${verdict.detail}`);
    else if (verdict.outcome === 'chosen') {
      lines.push(`${head}: valid${considered.validation?.anchorSubject ? `, up to ${considered.validation.anchorSubject}` : ''}`);
      for (const warning of considered.validation?.warnings ?? []) lines.push(`    warning ${warning.reason}: ${warning.message}${warning.subject ? ` (${warning.subject})` : ''}`);
    } else lines.push(head);
  }
  return lines.join('\n') + '\n';
}

function candidateJson(considered: ConsideredCertificate): Record<string, unknown> {
  const { origin } = considered.candidate;
  const { verdict } = considered;
  return {
    source: origin.source,
    ...(origin.source === 'directory' ? { entry: { kind: origin.kind, dn: origin.dn }, attribute: origin.attribute } : {}),
    certificate: considered.model ? certificateJson(considered.model.certificate) : null,
    outcome: verdict.outcome,
    ...(verdict.outcome === 'skipped' ? { reason: verdict.reason, detail: verdict.detail } : {}),
    ...(verdict.outcome === 'chosen' ? { matchedAddress: verdict.matchedAddress, algorithms: verdict.algorithms, warnings: verdict.warnings } : {}),
    validation: considered.validation ? resultJson(considered.validation) : null,
  };
}

function lookupJson(lookup: RecipientLookup): Record<string, unknown> {
  return {
    address: lookup.address,
    chosen: lookup.chosen ? candidateJson(lookup.chosen) : null,
    sources: lookup.sources,
    candidates: lookup.considered.map(candidateJson),
  };
}

/**
 * The directory client of the native host, in this process (loaded only when a directory
 * is given); with a password file, one whose passwords live only in memory.
 */
async function directoryService(passwordFile: boolean, io: CliIo): Promise<{ service: DirectoryService; dispose: () => void }> {
  const { DirectoryService: Service } = await import('../../directory/directory-service');
  const config = loadHostConfig();
  const log = (line: string): void => void io.stderr.write(`cachet lookup: ${line}\n`);
  if (!passwordFile) return { service: new Service({ dir: keyStoreDirectory(config), trustedCertificateFiles: config.directoryTrustedCertificates, log }), dispose: () => undefined };
  // A key store directory that does not exist: a password used once is never written, nor is a remembered one removed.
  const scratch = mkdtempSync(path.join(tmpdir(), 'cachet-lookup-'));
  const service = new Service({ dir: path.join(scratch, 'keys'), trustedCertificateFiles: config.directoryTrustedCertificates, log });
  return { service, dispose: () => rmSync(scratch, { recursive: true, force: true }) };
}

function validator(settings: CliValidationSettings) {
  return (candidate: CandidateCertificate, email: string) => {
    const intermediates = candidate.intermediates.map((der) => parseCertificate(der));
    return checkCertificate(parseCertificate(candidate.der), { ...validationOptions(settings, { intermediates }), purpose: 'encrypt', email });
  };
}

export const lookup: Command = {
  name: 'lookup',
  summary: 'find the certificate to encrypt to for addresses: address book, then directory (B6)',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const fail = (m: string): Error => new UsageError(m);
    const parsed = parseArgs(args, [...VALIDATION_VALUED_OPTIONS, ...LOOKUP_VALUED], [...VALIDATION_FLAGS, ...LOOKUP_FLAGS], fail);
    if (parsed.positionals.length === 0) throw new UsageError('expected at least one ADDR');
    const addresses = parsed.positionals.map((text) => {
      try {
        return parseMailbox(text).address;
      } catch {
        throw new UsageError(`not an e-mail address: ${text.slice(0, 100)}`);
      }
    });
    const directory = directoryOf(parsed.values, parsed.flags);
    const passwordFile = one(parsed.values, '--password-file');
    if (passwordFile !== undefined && directory?.bindDn == null) throw new UsageError('--password-file needs --bind-dn');
    const bookDir = one(parsed.values, '--address-book');
    if (directory === undefined && bookDir === undefined) throw new UsageError('give --address-book DIR, --directory URL --base DN, or both');
    const settings = await readValidationSettings(parsed.values, parsed.flags, fail);
    const sources: RecipientSource[] = [];
    const notes: string[] = [];
    if (bookDir !== undefined) {
      const store = await readCertificateStore(bookDir);
      notes.push(...store.notes.map((note) => `address book: ${note}`));
      sources.push(folderSource(store.entries.map((e) => e.certificate)));
    }
    const password = await readPasswordFile(passwordFile, io);
    const client = directory ? await directoryService(password !== undefined, io) : undefined;
    try {
      if (directory && client) {
        if (password !== undefined && directory.bindDn !== null) client.service.passwords.set(directory.url, directory.bindDn, password, false);
        const search = directorySearchOf(directory);
        sources.push(directorySource((address) => client.service.search(search, address), directory.attributes));
      }
      const policy = { certMatchingDoNotUseProxies: parsed.flags.has('--no-aliases'), encryptionAlgorithms: defaultPolicy.encryptionAlgorithms };
      const time = settings.time ?? new Date();
      const lookups: RecipientLookup[] = [];
      for (const address of addresses) lookups.push(await lookUpRecipient(address, { sources, validate: validator(settings), policy, time }));
      if (parsed.flags.has('--json')) io.stdout.write(JSON.stringify({ recipients: lookups.map(lookupJson), notes }, null, 2) + '\n');
      else {
        for (const l of lookups) io.stdout.write(lookupText(l));
        for (const note of notes) io.stdout.write(`note: ${note}\n`);
      }
      // A missing password or a search the host refuses as malformed is input that cannot be used.
      const unusable = lookups.some((l) => l.sources.some((s) => s.error?.code === 'directory/password-needed' || s.error?.code === 'input/invalid'));
      if (unusable) return EXIT_UNUSABLE;
      return lookups.every((l) => l.chosen !== undefined) ? EXIT_OK : EXIT_NOT_GOOD;
    } catch (error) {
      if (isCachetError(error) && error.code === 'input/invalid') throw new UsageError(error.message);
      throw error;
    } finally {
      client?.dispose();
    }
  },
};
