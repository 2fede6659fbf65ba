/**
 * `cachet cert select`: applies the selection rules B1–B4 to the certificates in a folder
 * and prints the one chosen for an operation and address. Exit 0 when one is chosen,
 * 1 when none fits, 2 unusable input.
 */
import { EXIT_NOT_GOOD, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseArgs } from './cli-input';
import { certificateModel, type CertificateModel } from '../../../src/pki/certificate-model';
import { validateCertificate } from '../../../src/pki/certificate-validator';
import { selectCertificate } from '../../../src/pki/select-certificate';
import { readValidationSettings, validationOptions, VALIDATION_FLAGS, VALIDATION_USAGE, VALIDATION_VALUED_OPTIONS } from '../../pki/cli-validation';
import { readCertificateStore } from '../../pki/read-certificates';
import { certificateJson } from '../../pki/result-json';

const usage = `usage: cachet cert select --for sign|encrypt --email ADDR [--store DIR] [--json]
  Chooses a certificate for signing (your own) or encrypting (a recipient's) from the
  certificates in DIR (default: the current folder): .pem/.crt/.cer/.der files and the
  public parts of .p12/.pfx files (password-protected parts are skipped and listed).
  Rules: the address matches the subject emailAddress or a subjectAltName (B1), aliases
  with --alias; a certificate for only that use wins (B2); inside its validity (B3).
  --alias ADDR        another address of the same person (repeatable; B1)
  --no-aliases        do not try aliases (certMatchingDoNotUseProxies)
  --at TIME           choose as of this ISO 8601 time
  --json              print the choice, the ranking and the rejections as JSON
  With --trust, only certificates that validate are chosen:
${VALIDATION_USAGE}
  Exit status: 0 a certificate was chosen, 1 none fits, 2 unusable input.`;

export const certSelect: Command = {
  name: 'cert select',
  summary: 'choose a certificate for signing or encrypting (B1–B4)',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const fail = (m: string): Error => new UsageError(m);
    const parsed = parseArgs(args, [...VALIDATION_VALUED_OPTIONS, '--for', '--email', '--store', '--alias'], [...VALIDATION_FLAGS, '--json', '--no-aliases'], fail);
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0] ?? ''}`);
    const purpose = parsed.values.get('--for')?.[0];
    if (purpose !== 'sign' && purpose !== 'encrypt') throw new UsageError('--for sign|encrypt is required');
    const email = parsed.values.get('--email')?.[0];
    if (email === undefined) throw new UsageError('--email ADDR is required');
    const settings = await readValidationSettings(parsed.values, parsed.flags, fail);
    const store = await readCertificateStore(parsed.values.get('--store')?.[0] ?? '.');
    const fileOf = new Map<CertificateModel, string>();
    // Certificates from files are software certificates (B4): tokens come through the native host.
    const models = store.entries.map((e) => {
      const model = certificateModel(e.certificate, purpose === 'sign' ? 'software' : 'none');
      fileOf.set(model, e.file);
      return model;
    });
    const pool = store.entries.map((e) => e.certificate);
    const validate = settings.trust.length > 0
      ? async (m: CertificateModel): Promise<boolean> => (await validateCertificate(m.certificate, validationOptions(settings, { intermediates: pool }))).valid
      : undefined;
    const result = await selectCertificate(models, {
      purpose,
      address: email,
      aliases: parsed.values.get('--alias') ?? [],
      time: settings.time ?? new Date(),
      policy: { certMatchingDoNotUseProxies: parsed.flags.has('--no-aliases'), smartCardOnly: false },
      ...(validate ? { isUsable: validate } : {}),
    });
    const describe = (m: CertificateModel): Record<string, unknown> => ({ file: fileOf.get(m), ...certificateJson(m.certificate) });
    if (parsed.flags.has('--json')) {
      io.stdout.write(JSON.stringify({
        selected: result.selected ? describe(result.selected) : null,
        matchedAddress: result.matchedAddress ?? null,
        ranked: result.ranked.map(describe),
        rejected: result.rejected.map((r) => ({ reason: r.reason, ...describe(r.model) })),
        notes: store.notes,
      }, null, 2) + '\n');
    } else {
      if (result.selected) io.stdout.write(`selected ${fileOf.get(result.selected) ?? ''}: ${result.selected.subject}${result.matchedAddress && result.matchedAddress !== email ? ` (via ${result.matchedAddress})` : ''}\n`);
      else io.stdout.write(`no certificate for ${purpose === 'sign' ? 'signing' : 'encrypting'} as ${email}\n`);
      for (const r of result.rejected) io.stdout.write(`  rejected ${fileOf.get(r.model) ?? ''}: ${r.reason}\n`);
      for (const note of store.notes) io.stdout.write(`  note: ${note}\n`);
    }
    return result.selected ? EXIT_OK : EXIT_NOT_GOOD;
  },
};
