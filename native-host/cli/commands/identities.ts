import { EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import path from 'node:path';
import { certificateInfo } from '../../stores/certificate-info';
import { openLocalStores } from '../../stores/local-stores';

/** `cachet identities`: the certificates with private keys the native host can use (B5). */
export const identities: Command = {
  name: 'identities',
  summary: 'list the identities on tokens and in the OS store',
  usage: `usage: cachet identities [--module PATH]... [--nssdb DIR]... [--json]

Lists each certificate with a private key the native host sees: its e-mail addresses, the
store (token label or NSS database), whether the key is on hardware (B4), the key type
and what the certificate allows (sign, decrypt, derive). Without --module or --nssdb it
uses the host's configuration and the usual locations (OpenSC, p11-kit, ~/.pki/nssdb,
Firefox profiles). Listing needs no PIN.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const modules: string[] = [];
    const nssDatabases: string[] = [];
    let json = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      const value = (): string => {
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${arg ?? ''} needs a value`);
        return path.resolve(v);
      };
      if (arg === '--module') modules.push(value());
      else if (arg === '--nssdb') nssDatabases.push(value());
      else if (arg === '--json') json = true;
      else throw new UsageError(`unknown option ${arg ?? ''}`);
    }
    const stores = openLocalStores({ modules, nssDatabases, log: (line) => io.stderr.write(`cachet identities: ${line}\n`) });
    try {
      for (const s of stores.registry.statuses()) {
        if (!s.available && s.kind !== 'macos-keychain' && s.kind !== 'windows-cng') io.stderr.write(`cachet identities: ${s.label}: ${s.detail}\n`);
      }
      const list = await stores.registry.listIdentities();
      const rows = list.map((identity) => {
        const info = certificateInfo(Buffer.from(identity.certificate, 'base64'));
        return {
          id: identity.id, addresses: info?.addresses ?? [], subject: info?.subject ?? '', notAfter: info?.notAfter.toISOString() ?? '',
          store: identity.store.kind, storeLabel: identity.store.label, module: identity.store.module,
          hardware: identity.hardware, keyType: identity.keyType, ...(identity.curve ? { curve: identity.curve } : {}),
          usages: identity.usages, token: identity.token.label,
        };
      });
      if (json) {
        io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      } else if (rows.length === 0) {
        io.stdout.write('no identities found\n');
      } else {
        for (const r of rows) {
          const key = r.curve ? `EC ${r.curve}` : r.keyType;
          io.stdout.write(`${r.addresses.join(', ') || '(no address)'}\n  ${r.hardware ? 'hardware' : 'software'} ${r.store}: ${r.storeLabel}\n  ${key}; ${r.usages.join(', ')}; valid until ${r.notAfter}\n  ${r.subject}\n`);
        }
      }
      return EXIT_OK;
    } finally {
      stores.close();
    }
  },
};
