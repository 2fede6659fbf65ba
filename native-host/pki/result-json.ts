/** JSON and text forms of a validation result for the command line. */
import { certificateModel } from '../../src/pki/certificate-model';
import { KeyUsageBit } from '../../src/pki/extension-decoders';
import type { ParsedCertificate } from '../../src/pki/parsed-certificate';
import type { ValidationResult } from '../../src/pki/validation-result';

const KEY_USAGE_NAMES = Object.entries(KeyUsageBit);

export function certificateJson(cert: ParsedCertificate): Record<string, unknown> {
  const model = certificateModel(cert);
  return {
    subject: model.subject,
    issuer: model.issuer,
    serialNumber: model.serialNumber,
    notBefore: model.notBefore.toISOString(),
    notAfter: model.notAfter.toISOString(),
    emailAddresses: model.addresses.map((a) => a.address),
    keyUsage: model.keyUsage ? KEY_USAGE_NAMES.filter(([, bit]) => model.keyUsage?.has(bit)).map(([name]) => name) : null,
    extendedKeyUsage: model.extendedKeyUsage ?? null,
    canSign: model.canSign,
    canEncrypt: model.canEncrypt,
  };
}

export function resultJson(result: ValidationResult): Record<string, unknown> {
  return {
    valid: result.valid,
    reason: result.reason ?? null,
    errors: result.errors,
    warnings: result.warnings,
    anchor: result.anchorSubject ?? null,
    path: result.path.map((c) => ({ subject: certificateJson(c).subject, serialNumber: c.serialHex })),
  };
}

export function resultText(result: ValidationResult): string {
  const lines = [result.valid ? 'valid' : `invalid: ${result.reason ?? 'unknown'}`];
  for (const e of result.errors) lines.push(`  error ${e.reason}: ${e.message}${e.subject ? ` (${e.subject})` : ''}`);
  for (const w of result.warnings) lines.push(`  warning ${w.reason}: ${w.message}${w.subject ? ` (${w.subject})` : ''}`);
  if (result.valid && result.path.length > 0) {
    lines.push(`  path: ${[result.anchorSubject ?? '(trusted certificate)', ...result.path.map((c) => certificateJson(c).subject as string)].join(' → ')}`);
  }
  return lines.join('\n') + '\n';
}
