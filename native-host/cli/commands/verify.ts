/**
 * `cachet verify`: checks every signed layer of a message (B13, B17) as the reader does:
 * each signature, each signer's certificate under RFC 5280 with revocation, and whether the
 * signer is the message's author, all judged by src/smime/signer-verdict.ts. It is the
 * command scripts and mail filters call, so its exit status is the whole answer: 0 only
 * when every signer's signature is good and its certificate valid (and, with
 * --require-from-match, the signer is the author); 1 otherwise; 2 when the input is
 * unusable or carries no signature at all. Encrypted layers are not opened: `cachet open`
 * reads inside them.
 */
import { X509Certificate } from 'node:crypto';
import { EXIT_NOT_GOOD, EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { nodeCmsCrypto } from './node-cms-crypto';
import { verifySignedData } from '../../../src/cms/signed-data-verify';
import { verifySmime, type SignedLayer } from '../../../src/cms/smime-verify';
import { hashNameFromOid } from '../../../src/cms/oids';
import { CachetError, isCachetError } from '../../../src/errors';
import { parseMessage, sniffContentInfo } from '../../../src/mime';
import { judgeSigners, type JudgedSigner, type SignerValidator } from '../../../src/smime/judge-signers';
import { messageAuthor, type MessageAuthor } from '../../../src/smime/message-author';
import { readValidationSettings, signerValidator, VALIDATION_FLAGS, VALIDATION_USAGE, VALIDATION_VALUED_OPTIONS } from '../../pki/cli-validation';

const usage = `usage: cachet verify [--trust CA]... [validation options] [--require-from-match] [--json] [--insecure-allow-sha1] FILE
  Verifies every S/MIME signature in FILE (an RFC 5322 message, or a DER SignedData;
  '-' reads standard input): multipart/signed and opaque signed-data, nested layers
  included, as cachet open and the reader judge them. For each signer it reports the
  signature (good, bad-signature, digest-mismatch, content-type-mismatch, bad-attributes,
  unknown-signer, weak, unsupported-algorithm, signing-time-mismatch), the certificate's
  validation (valid, or a reason word: expired, revoked, untrusted-root, wrong-usage, ...),
  whether the signer is the author (an address of the certificate is the one mailbox of
  the From field), and one status word for all three: good, untrusted, wrong-usage,
  from-mismatch, or the signature's word. Without --trust no certificate is valid.
  --require-from-match   a signer who is not the author makes the exit status 1
  --json                 print the layers and signers as JSON
  --insecure-allow-sha1  count SHA-1 signatures as good
${VALIDATION_USAGE}
  Exit status: 0 every signature good and every certificate valid (and, with
  --require-from-match, every signer the author); 1 any not; 2 unusable input or no
  signature.`;

interface SignerJson {
  readonly status: string;
  readonly reason?: string;
  readonly signature: string;
  readonly signatureReason?: string;
  readonly validation: { readonly valid: boolean; readonly reason?: string; readonly errors: readonly string[]; readonly warnings: readonly string[] };
  readonly trust: 'trusted' | 'untrusted';
  readonly fromMatches: boolean | null;
  readonly emailAddresses: readonly string[];
  readonly subject?: string;
  readonly signingTime?: string;
  readonly digestAlgorithm: string;
  readonly signatureAlgorithm: string;
}

interface LayerJson {
  readonly kind: string;
  readonly status: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly signers: readonly SignerJson[];
}

function subjectOf(der: Uint8Array | undefined): string | undefined {
  try {
    return der ? new X509Certificate(der).subject.replace(/\n/g, ', ') : undefined;
  } catch {
    return undefined;
  }
}

function signerJson(judged: JudgedSigner): SignerJson {
  const { signature, validation, verdict } = judged;
  const subject = subjectOf(signature.certificate);
  return {
    status: verdict.status,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    signature: signature.status,
    ...(signature.reason ? { signatureReason: signature.reason } : {}),
    validation: {
      valid: validation.valid,
      ...(validation.reason ? { reason: validation.reason } : {}),
      errors: validation.errors.map((e) => e.message),
      warnings: validation.warnings.map((w) => w.message),
    },
    trust: validation.valid ? 'trusted' : 'untrusted',
    fromMatches: judged.authorMatch.matches,
    emailAddresses: signature.emailAddresses,
    ...(subject ? { subject } : {}),
    ...(signature.signingTime ? { signingTime: signature.signingTime.toISOString() } : {}),
    digestAlgorithm: hashNameFromOid(signature.digestAlgorithm) ?? signature.digestAlgorithm,
    signatureAlgorithm: signature.signatureAlgorithm,
  };
}

/** Whether a signer passes: exactly what the exit status says. */
function passes(judged: JudgedSigner, requireFromMatch: boolean): boolean {
  if (judged.signature.status !== 'good' || !judged.validation.valid) return false;
  return !requireFromMatch || judged.authorMatch.matches === true;
}

/** Node's crypto for verifying: signed content is hashed where it lies, not copied first. */
const NODE_VERIFYING = { subtle: nodeCmsCrypto.subtle, incrementalDigest: nodeCmsCrypto.incrementalDigest };

/** Layers of a raw DER/BER SignedData file (no MIME around it). */
async function rawCmsLayers(source: Uint8Array, insecureAllowSha1: boolean): Promise<SignedLayer[]> {
  try {
    const verification = await verifySignedData(source, { ...NODE_VERIFYING, insecureAllowSha1 });
    const status = verification.signers.length === 0 ? 'no-signers' : verification.allGood ? 'good' : 'signer-not-good';
    return [{ kind: 'signed-data', status, signers: verification.signers, verification }];
  } catch (error) {
    if (!isCachetError(error)) throw error;
    return [{ kind: 'signed-data', status: 'malformed', error: { code: error.code, message: error.message }, signers: [] }];
  }
}

function printText(layers: readonly LayerJson[], io: CliIo): void {
  layers.forEach((layer, i) => {
    io.stdout.write(`layer ${i + 1} (${layer.kind}): ${layer.status}${layer.error ? ` (${layer.error.message})` : ''}\n`);
    for (const s of layer.signers) {
      const who = s.emailAddresses[0] ?? s.subject ?? 'unknown signer';
      const when = s.signingTime ? `, signed ${s.signingTime}` : '';
      io.stdout.write(`  signer ${who}: ${s.status}${s.reason ? ` (${s.reason})` : ''}${when}\n`);
    }
  });
}

interface Judged {
  readonly layer: SignedLayer;
  readonly signers: readonly JudgedSigner[];
}

async function judgeLayers(layers: readonly SignedLayer[], author: MessageAuthor | null, validate: SignerValidator): Promise<Judged[]> {
  const judged: Judged[] = [];
  for (const layer of layers) judged.push({ layer, signers: await judgeSigners(layer, author, validate) });
  return judged;
}

export const verify: Command = {
  name: 'verify',
  summary: 'verify the S/MIME signatures of a message as the reader does',
  usage,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const fail = (m: string): Error => new UsageError(m);
    const parsed = parseArgs(args, [...VALIDATION_VALUED_OPTIONS], [...VALIDATION_FLAGS, '--json', '--insecure-allow-sha1', '--require-from-match'], fail);
    const [file, ...rest] = parsed.positionals;
    if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
    let settings;
    try {
      settings = await readValidationSettings(parsed.values, parsed.flags, fail);
    } catch (error) {
      if (isCachetError(error) || error instanceof UsageError) throw error;
      throw new CachetError('input/invalid', `cannot read the validation options: ${error instanceof Error ? error.message : String(error)}`);
    }
    const insecureAllowSha1 = parsed.flags.has('--insecure-allow-sha1');
    const requireFromMatch = parsed.flags.has('--require-from-match');

    let source: Uint8Array;
    try {
      source = await readInput(file, io);
    } catch (error) {
      io.stderr.write(`cachet verify: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT_UNUSABLE;
    }
    let layers: readonly SignedLayer[];
    // A bare SignedData has no header fields, so its signers are not compared with an author.
    let author: MessageAuthor | null = null;
    if (sniffContentInfo(source.subarray(0, 32)) === 'signed-data') {
      layers = await rawCmsLayers(source, insecureAllowSha1);
    } else {
      const root = parseMessage(source);
      author = messageAuthor(root);
      layers = (await verifySmime(root, { ...NODE_VERIFYING, insecureAllowSha1 })).layers;
    }
    if (layers.length === 0) {
      io.stderr.write('cachet verify: no S/MIME signature found\n');
      return EXIT_UNUSABLE;
    }
    const judged = await judgeLayers(layers, author, signerValidator(settings));
    const report: LayerJson[] = judged.map(({ layer, signers }) => ({
      kind: layer.kind,
      status: layer.status === 'good' && !signers.every((s) => passes(s, requireFromMatch)) ? 'signer-not-good' : layer.status,
      ...(layer.error ? { error: layer.error } : {}),
      signers: signers.map(signerJson),
    }));
    const allGood = judged.every(({ layer, signers }) => layer.status === 'good' && signers.length > 0 && signers.every((s) => passes(s, requireFromMatch)));
    if (parsed.flags.has('--json')) io.stdout.write(JSON.stringify({ signed: true, allGood, layers: report }, null, 2) + '\n');
    else printText(report, io);
    return allGood ? EXIT_OK : EXIT_NOT_GOOD;
  },
};
