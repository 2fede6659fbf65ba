/**
 * B7: recipients without a usable certificate (none, invalid, or one that cannot read an
 * allowed algorithm, B8) when encryption is on. The sender is told who they are; unless
 * `alwaysEncrypt` is on, the sender may go ahead knowing they cannot read the message
 * (`encryptDespiteMissing`), and otherwise the message is not created.
 */
import { CachetError } from '../../src/errors';

export class MissingCertificatesError extends CachetError {
  constructor(readonly addresses: readonly string[], readonly alwaysEncrypt: boolean) {
    const list = addresses.join(', ');
    super('cms/no-recipient', alwaysEncrypt
      ? `Your organisation requires encryption, and these recipients have no usable certificate, so the message cannot be sent to them: ${list}`
      : `These recipients have no usable certificate and could not read the encrypted message: ${list}. Send it encrypted anyway, or turn encryption off.`);
  }
}

/** Throws unless the message may be encrypted while `missing` cannot read it. */
export function checkMissingCertificates(missing: readonly string[], alwaysEncrypt: boolean, encryptDespiteMissing: boolean): void {
  if (missing.length === 0) return;
  if (alwaysEncrypt || !encryptDespiteMissing) throw new MissingCertificatesError(missing, alwaysEncrypt);
}
