/**
 * `cachet key import | list | delete`: the Cachet key store of imported PKCS#12
 * identities, which the native host serves like a token (store kind pkcs12, software).
 */
import path from 'node:path';
import { CachetError } from '../../../src/errors';
import { EXIT_NOT_GOOD, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { firstLine, isTerminal, promptHidden } from '../../keys/passphrase-input';
import { keyStoreDirectory, loadHostConfig } from '../../stores/host-config';
import { deleteStoredIdentity, keyFileNames, scanKeyStore } from '../../stores/key-store-directory';
import { normaliseFingerprint } from '../../stores/key-store-file';
import { importPkcs12, MIN_PASSPHRASE_LENGTH } from '../../stores/key-store-import';
import { parseSingleOptions as parse, readInput } from './cli-input';

const STORE_OPTION = `  --store DIR   the key store directory; default: keyStoreDir of the host configuration,
                else ~/.local/share/cachet/keys ($XDG_DATA_HOME/cachet/keys; macOS
                ~/Library/Application Support/Cachet/Keys; Windows %LOCALAPPDATA%\\Cachet\\Keys)`;

function storeDir(store: string | undefined): string {
  return store === undefined ? keyStoreDirectory(loadHostConfig()) : path.resolve(store);
}

async function storePassphrase(file: string | undefined, dir: string, io: CliIo): Promise<string> {
  if (file !== undefined) return firstLine(await readInput(file, io));
  if (!isTerminal(io.stdin)) throw new UsageError('give --store-passphrase-file: there is no terminal to ask on');
  const passphrase = await promptHidden('Key store passphrase: ', io.stdin, io.stderr);
  if (keyFileNames(dir).length === 0) {
    // The first import sets the passphrase: a typing mistake would lock the keys away.
    const again = await promptHidden('The same passphrase again: ', io.stdin, io.stderr);
    if (again !== passphrase) throw new CachetError('input/invalid', 'the two passphrases differ');
  }
  return passphrase;
}

export const keyImport: Command = {
  name: 'key import',
  summary: 'import a PKCS#12 file into the Cachet key store',
  usage: `usage: cachet key import --p12 FILE [--pass PASSWORD | --pass-file FILE]
                         [--store-passphrase-file FILE] [--store DIR]

Imports each private key of the PKCS#12 file (.p12, .pfx) with its certificate and chain
into the Cachet key store, one file per identity: the certificates in clear, the private
key encrypted with AES-256-GCM under a key derived from the store passphrase (scrypt).
The native host then lists these identities (software, store "Cachet key store") and
asks for the store passphrase on Cachet's PIN page before it uses a key. Importing the
same certificate again replaces it.

  --p12 FILE     the PKCS#12 file ('-' reads standard input)
  --pass PASSWORD
                 the file's password; other users may see it in the process list,
                 prefer --pass-file. Neither: the empty password
  --pass-file FILE
                 read the file's password from the first line of FILE ('-': stdin)
  --store-passphrase-file FILE
                 read the store passphrase from the first line of FILE ('-': stdin).
                 Without it the passphrase is asked on the terminal (twice when the
                 store is new). The first import sets it (at least ${MIN_PASSPHRASE_LENGTH}
                 characters); later imports must give the same one
${STORE_OPTION}

Exit status: 0 imported; 2 unusable file, wrong password or wrong store passphrase.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals, one } = parse(args, ['--p12', '--pass', '--pass-file', '--store-passphrase-file', '--store']);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
    const p12File = one('--p12');
    if (p12File === undefined) throw new UsageError('--p12 is required');
    const passFile = one('--pass-file');
    const passphraseFile = one('--store-passphrase-file');
    if (one('--pass') !== undefined && passFile !== undefined) throw new UsageError('give --pass or --pass-file, not both');
    if ([p12File, passFile, passphraseFile].filter((f) => f === '-').length > 1) throw new UsageError('only one input can come from standard input');
    const dir = storeDir(one('--store'));
    const p12 = await readInput(p12File, io);
    const password = one('--pass') ?? (passFile === undefined ? '' : firstLine(await readInput(passFile, io)));
    const passphrase = await storePassphrase(passphraseFile, dir, io);
    for (const identity of importPkcs12(dir, p12, password, passphrase)) {
      io.stdout.write(`imported ${identity.fingerprint}\n  ${identity.addresses.join(', ') || identity.subject}\n  ${identity.file}\n`);
    }
    return EXIT_OK;
  },
};

export const keyList: Command = {
  name: 'key list',
  summary: 'list the identities in the Cachet key store',
  usage: `usage: cachet key list [--store DIR] [--json]

Lists the identities in the Cachet key store without asking for the passphrase: the
SHA-256 fingerprint of each certificate (what cachet key delete takes), its e-mail
addresses, key type, what it allows and until when it is valid. Files that cannot be
used are named on standard error. (cachet identities lists these with every other store.)

  --json         one JSON array instead of text
${STORE_OPTION}

Exit status: 0 listed; 1 some files cannot be used; 2 the store cannot be read.
`,
  run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals, flags, one } = parse(args, ['--store'], ['--json']);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
    const dir = storeDir(one('--store'));
    const scan = scanKeyStore(dir);
    for (const problem of scan.problems) io.stderr.write(`cachet key list: ${problem}\n`);
    const rows = scan.identities.map(({ fingerprint, file, entry, info }) => ({
      fingerprint, addresses: info.addresses, subject: info.subject, notAfter: info.notAfter.toISOString(),
      keyType: info.keyType, ...(info.curve ? { curve: info.curve } : {}), usages: info.usages, chain: entry.chain.length, file,
    }));
    if (flags.has('--json')) io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else if (rows.length === 0) io.stdout.write(`no identities in ${dir}\n`);
    else {
      for (const r of rows) {
        io.stdout.write(`${r.fingerprint}\n  ${r.addresses.join(', ') || '(no address)'}\n  ${r.curve ? `EC ${r.curve}` : r.keyType}; ${r.usages.join(', ')}; valid until ${r.notAfter}\n  ${r.subject}\n`);
      }
    }
    return Promise.resolve(scan.problems.length > 0 ? EXIT_NOT_GOOD : EXIT_OK);
  },
};

export const keyDelete: Command = {
  name: 'key delete',
  summary: 'delete an identity from the Cachet key store',
  usage: `usage: cachet key delete FINGERPRINT [--store DIR]

Deletes the identity whose certificate has this SHA-256 fingerprint (as cachet key list
prints it; case and colons do not matter) from the Cachet key store. Its private key is
gone for good unless the PKCS#12 file is kept elsewhere. A running native host drops it
within its polling interval.

${STORE_OPTION}

Exit status: 0 deleted; 2 no such identity, or the store cannot be written.
`,
  run(args: readonly string[], io: CliIo): Promise<number> {
    const { positionals, one } = parse(args, ['--store']);
    if (positionals.length !== 1) throw new UsageError('give one FINGERPRINT');
    const fingerprint = normaliseFingerprint(positionals[0] ?? '');
    if (fingerprint === undefined) throw new UsageError('FINGERPRINT must be 64 hexadecimal digits (SHA-256)');
    const file = deleteStoredIdentity(storeDir(one('--store')), fingerprint);
    io.stdout.write(`deleted ${fingerprint} (${file})\n`);
    return Promise.resolve(EXIT_OK);
  },
};
