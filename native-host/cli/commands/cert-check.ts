/**
 * `cachet cert check`: validates one certificate (RFC 5280 path, revocation, and
 * optionally its use and address) and prints the verdict with a reason word. Exit 0
 * valid, 1 not valid, 2 unusable input.
 */
import { EXIT_NOT_GOOD, EXIT_OK, UsageError, type CliIo, type Command } from '../command';
import { parseArgs } from './cli-input';
import { checkCertificate } from '../../../src/pki/check-certificate';
import { readValidationSettings, validationOptions, VALIDATION_FLAGS, VALIDATION_USAGE, VALIDATION_VALUED_OPTIONS } from '../../pki/cli-validation';
import { readCertificateFile } from '../../pki/read-certificates';
import { certificateJson, resultJson, resultText } from '../../pki/result-json';

const usage = `usage: cachet cert check CERT [--trust CA]... [--untrusted X]... [--at TIME] [--for sign|encrypt] [--email ADDR] [--json]
  Validates the certificate in CERT (PEM or DER; further certificates in the file are
  used as intermediates) up to one of the --trust roots. Reasons: expired, not-yet-valid,
  revoked, untrusted-root, explicitly-untrusted, bad-signature, weak-algorithm,
  unsupported-algorithm, path-length, name-constraints, name-chaining, policy,
  wrong-usage, revocation-unknown, email-mismatch, unknown-critical-extension,
  invalid-ca, malformed.
  --for sign|encrypt  the certificate must allow this use for e-mail
  --email ADDR        the certificate must carry this address
  --json              print the result as JSON
${VALIDATION_USAGE}
  Exit status: 0 valid, 1 not valid, 2 unusable input.`;

export const certCheck: Command = {
  name: 'cert check',
  summary: 'validate a certificate (path, revocation, use, address)',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const fail = (m: string): Error => new UsageError(m);
    const parsed = parseArgs(args, [...VALIDATION_VALUED_OPTIONS, '--for', '--email'], [...VALIDATION_FLAGS, '--json'], fail);
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one CERT');
    const purpose = parsed.values.get('--for')?.[0];
    if (purpose !== undefined && purpose !== 'sign' && purpose !== 'encrypt') throw new UsageError('--for takes sign or encrypt');
    const email = parsed.values.get('--email')?.[0];
    const settings = await readValidationSettings(parsed.values, parsed.flags, fail);
    const [target, ...bundled] = await readCertificateFile(file);
    if (!target) throw new UsageError(`${file} holds no certificate`);
    const result = await checkCertificate(target, {
      ...validationOptions(settings, { intermediates: bundled }),
      ...(purpose ? { purpose } : {}),
      ...(email !== undefined ? { email } : {}),
    });
    if (parsed.flags.has('--json')) io.stdout.write(JSON.stringify({ certificate: certificateJson(target), ...resultJson(result) }, null, 2) + '\n');
    else io.stdout.write(resultText(result));
    return result.valid ? EXIT_OK : EXIT_NOT_GOOD;
  },
};
