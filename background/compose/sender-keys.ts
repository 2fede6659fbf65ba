/**
 * The sender's own keys for one message (B5): the identity chosen in From signs, after
 * the checks a reader would make of it (B1 address, B2 usage, B3 dates, B4
 * `smartCardOnly`); and the sender's own encryption certificate is found among the
 * identities the host lists, so the content key is also encrypted to it (B14: Sent mail
 * stays readable) and signatures carry it (B18: correspondents can answer encrypted).
 *
 * When none of the user's certificates carries the From address, their other addresses
 * from their own directory entry are tried (B1, unless `certMatchingDoNotUseProxies`), so
 * a certificate issued to an alias still serves for encryption. The signing certificate
 * must carry From itself: readers compare the signer with From, and a signature by an
 * alias reads as someone else's.
 */
import type { KeyOperator } from '../../src/cms/key-operator';
import { CachetError } from '../../src/errors';
import { parseMailbox } from '../../src/mime/mailbox-list';
import { certificateModel, matchingAddress, supports, withinValidity, type CertificateModel } from '../../src/pki/certificate-model';
import { parseCertificate } from '../../src/pki/parsed-certificate';
import { selectCertificate } from '../../src/pki/select-certificate';
import { ownAliases, type DirectorySearchFunction } from '../../src/directory/directory-source';
import type { Policy } from '../../src/policy';
import type { NativeKeyOperator } from '../../src/protocol/native-key-operator';
import type { Identities } from '../identities';

export interface SenderKeyRequest {
  readonly identity?: string;
  readonly from: string;
  readonly sign: boolean;
  readonly encrypt: boolean;
}

export interface SenderKeys {
  /** Present when signing. */
  readonly signer?: KeyOperator;
  /** DER of the sender's certificate for encryption; present whenever one exists, and always when encrypting. */
  readonly encryptionCertificate?: Uint8Array;
}

function modelOf(operator: NativeKeyOperator): CertificateModel {
  return certificateModel(parseCertificate(operator.certificate), operator.identity.hardware ? 'hardware' : 'software');
}

/** Why this identity cannot sign mail from `from`, or undefined when it can. */
function cannotSign(operator: NativeKeyOperator, model: CertificateModel, from: string, policy: Policy, now: Date): string | undefined {
  if (policy.smartCardOnly && !operator.identity.hardware) return 'your organisation allows only certificates on a smart card';
  if (!operator.identity.usages.includes('sign') || !supports(model, 'sign')) return 'the certificate is not meant for signing e-mail';
  if (!withinValidity(model, now)) return now < model.notBefore ? 'the certificate is not valid yet' : 'the certificate has expired';
  // B1: a reader compares From with the signer's addresses; a mismatch reads as someone else's signature.
  if (!matchingAddress(model, from)) return `the certificate does not carry ${from} (it has ${model.addresses.map((a) => a.address).join(', ') || 'no address'})`;
  return undefined;
}

/** The user's other addresses from their own directory entry; none when the directory cannot say. */
async function directoryAliases(directory: DirectorySearchFunction, from: string): Promise<readonly string[]> {
  try {
    return ownAliases(await directory(from), from);
  } catch {
    // A directory that cannot be asked only means no aliases; the message is not held up for it.
    return [];
  }
}

/** The best own certificate to encrypt to for `from` (B1–B4 with the decrypt purpose). */
async function ownEncryptionCertificate(
  identities: Identities, from: string, policy: Policy, now: Date, directory: DirectorySearchFunction | undefined,
): Promise<Uint8Array | undefined> {
  const byModel = new Map<CertificateModel, NativeKeyOperator>();
  for (const operator of await identities.operators()) {
    const usages = operator.identity.usages;
    if (!usages.includes('decrypt') && !usages.includes('derive')) continue;
    try {
      byModel.set(modelOf(operator), operator);
    } catch {
      // An identity whose certificate does not parse cannot be encrypted to.
    }
  }
  const select = async (aliases: readonly string[]) => (await selectCertificate([...byModel.keys()], {
    purpose: 'decrypt',
    address: from,
    aliases,
    time: now,
    policy: { certMatchingDoNotUseProxies: policy.certMatchingDoNotUseProxies, smartCardOnly: policy.smartCardOnly },
  })).selected;
  let selected = await select([]);
  // The directory is asked only when From itself matches none of the user's certificates.
  if (selected === undefined && directory !== undefined && !policy.certMatchingDoNotUseProxies && byModel.size > 0) {
    selected = await select(await directoryAliases(directory, from));
  }
  return selected ? byModel.get(selected)?.certificate : undefined;
}

export async function senderKeys(
  identities: Identities, request: SenderKeyRequest, policy: Policy, now: Date, directory?: DirectorySearchFunction,
): Promise<SenderKeys> {
  if (!request.sign && !request.encrypt) return {};
  const from = parseMailbox(request.from).address;
  let signer: NativeKeyOperator | undefined;
  if (request.sign) {
    if (request.identity === undefined) throw new CachetError('key/unavailable', 'choose one of your certificates in From to sign the message');
    signer = await identities.operator(request.identity);
    const why = cannotSign(signer, modelOf(signer), from, policy, now);
    if (why !== undefined) throw new CachetError('key/unavailable', `this certificate cannot sign the message: ${why}`);
  }
  const encryptionCertificate = await ownEncryptionCertificate(identities, from, policy, now, directory);
  if (request.encrypt && encryptionCertificate === undefined) {
    throw new CachetError('key/unavailable',
      `none of your certificates for ${from} can decrypt, so you could not read this message in your Sent folder: import or insert one, or turn encryption off`);
  }
  return { ...(signer ? { signer } : {}), ...(encryptionCertificate ? { encryptionCertificate } : {}) };
}
