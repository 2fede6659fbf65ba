import { certificateModel, matchingAddress, supports, type Operation } from './certificate-model';
import { validateCertificate, type ValidationOptions } from './certificate-validator';
import { formatName } from './distinguished-name';
import type { ParsedCertificate } from './parsed-certificate';
import { issue, type ValidationIssue, type ValidationResult } from './validation-result';

export interface CheckOptions extends ValidationOptions {
  /** The operation the certificate is meant for: its key usage and EKU must allow it. */
  readonly purpose?: Operation;
  /** The address the certificate must carry (B1). */
  readonly email?: string;
}

/**
 * Path validation plus the checks that depend on what the certificate is used for: key
 * usage and emailProtection for the operation (`wrong-usage`), and the e-mail address
 * (`email-mismatch`). Used by `cachet cert check` and by recipient look-up.
 */
export async function checkCertificate(cert: ParsedCertificate, options: CheckOptions): Promise<ValidationResult> {
  const validation = await validateCertificate(cert, options);
  const model = certificateModel(cert);
  const extra: ValidationIssue[] = [];
  const subject = formatName(cert.subject);
  if (options.purpose && !supports(model, options.purpose)) {
    extra.push(issue('wrong-usage', `key usage does not allow ${options.purpose === 'sign' ? 'signing' : 'encryption'} of e-mail`, subject));
  }
  if (options.email !== undefined && !matchingAddress(model, options.email)) {
    extra.push(issue('email-mismatch', `certificate does not carry ${options.email}`, subject));
  }
  if (extra.length === 0) return validation;
  const errors = [...validation.errors, ...extra];
  return { ...validation, valid: false, errors, reason: errors[0]?.reason };
}
