/**
 * `cachet verify`: checks every signed layer of a message (B13, B17) and prints each
 * layer and signer with a status word. Exit 0 when every signature is good, 1 when any
 * is not, 2 when the input is unusable or carries no signature at all.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EXIT_NOT_GOOD, EXIT_OK, EXIT_UNUSABLE, UsageError, type CliIo, type Command } from '../command';
import { parseArgs, readInput } from './cli-input';
import { anchorTrust, type ValidateSigner } from './anchor-trust';
import { nodeCmsCrypto } from './node-cms-crypto';
import { verifySignedData, type SignerVerification } from '../../../src/cms/signed-data-verify';
import { verifySmime, type SignedLayer } from '../../../src/cms/smime-verify';
import { hashNameFromOid } from '../../../src/cms/oids';
import { isCachetError } from '../../../src/errors';
import { parseMessage, sniffContentInfo } from '../../../src/mime';
import { readPemCertificates } from '../../keys/pem';

const usage = `usage: cachet verify [--trust CA.pem]... [--json] [--insecure-allow-sha1] FILE
  Verifies every S/MIME signature in FILE (an RFC 5322 message, or a DER SignedData;
  '-' reads standard input): multipart/signed and opaque signed-data, nested layers
  included. Each signer gets one status word: good, untrusted, bad-signature,
  digest-mismatch, content-type-mismatch, bad-attributes, unknown-signer, weak (SHA-1 or
  older), unsupported-algorithm, signing-time-mismatch. With --trust, a signer is good
  only when its certificate chains (through the certificates in the message) to one of
  the given certificates. --json prints the layers and signers as JSON.
  Exit status: 0 every signature good, 1 any not good, 2 unusable input or no signature.`;

interface SignerJson {
  readonly status: string;
  readonly signature: string;
  readonly trust: 'trusted' | 'untrusted' | 'not-checked';
  readonly reason?: string;
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

async function signerJson(
  signer: SignerVerification,
  layer: Pick<SignedLayer, 'verification'>,
  validate: ValidateSigner | undefined,
): Promise<SignerJson> {
  let trust: SignerJson['trust'] = 'not-checked';
  let reason = signer.reason;
  if (validate && signer.status === 'good' && signer.certificate) {
    const result = await validate({
      certificate: signer.certificate,
      messageCertificates: layer.verification?.certificates ?? [],
      crls: layer.verification?.crls ?? [],
      ...(signer.signingTime ? { signingTime: signer.signingTime } : {}),
    });
    trust = result.trusted ? 'trusted' : 'untrusted';
    if (!result.trusted) reason = result.reason;
  }
  let subject: string | undefined;
  try {
    subject = signer.certificate ? new X509Certificate(signer.certificate).subject.replace(/\n/g, ', ') : undefined;
  } catch {
    subject = undefined;
  }
  return {
    status: signer.status === 'good' && trust === 'untrusted' ? 'untrusted' : signer.status,
    signature: signer.status,
    trust,
    ...(reason ? { reason } : {}),
    emailAddresses: signer.emailAddresses,
    ...(subject ? { subject } : {}),
    ...(signer.signingTime ? { signingTime: signer.signingTime.toISOString() } : {}),
    digestAlgorithm: hashNameFromOid(signer.digestAlgorithm) ?? signer.digestAlgorithm,
    signatureAlgorithm: signer.signatureAlgorithm,
  };
}

async function layerJson(layer: SignedLayer, validate: ValidateSigner | undefined): Promise<LayerJson> {
  const signers: SignerJson[] = [];
  for (const signer of layer.signers) signers.push(await signerJson(signer, layer, validate));
  const status = layer.status === 'good' && signers.some((s) => s.status !== 'good') ? 'signer-not-good' : layer.status;
  return { kind: layer.kind, status, ...(layer.error ? { error: layer.error } : {}), signers };
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

/** The verify command with a pluggable signer validation (the PKI layer's path validation). */
export function createVerifyCommand(makeValidator: (anchors: readonly Uint8Array[]) => ValidateSigner = anchorTrust): Command {
  return {
    name: 'verify',
    summary: 'verify the S/MIME signatures of a message',
    usage,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const parsed = parseArgs(args, ['--trust'], ['--json', '--insecure-allow-sha1'], (m) => new UsageError(m));
      const [file, ...rest] = parsed.positionals;
      if (file === undefined || rest.length > 0) throw new UsageError('expected exactly one FILE');
      const anchors: Uint8Array[] = [];
      for (const path of parsed.values.get('--trust') ?? []) {
        const certs = readPemCertificates(await readFile(path));
        if (certs.length === 0) throw new UsageError(`${path} holds no PEM certificate`);
        anchors.push(...certs);
      }
      const validate = parsed.values.has('--trust') ? makeValidator(anchors) : undefined;
      const insecureAllowSha1 = parsed.flags.has('--insecure-allow-sha1');

      let source: Uint8Array;
      try {
        source = await readInput(file, io);
      } catch (error) {
        io.stderr.write(`cachet verify: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
        return EXIT_UNUSABLE;
      }
      let layers: readonly SignedLayer[];
      if (sniffContentInfo(source.subarray(0, 32)) === 'signed-data') {
        layers = await rawCmsLayers(source, insecureAllowSha1);
      } else {
        const result = await verifySmime(parseMessage(source), { ...NODE_VERIFYING, insecureAllowSha1 });
        layers = result.layers;
      }
      if (layers.length === 0) {
        io.stderr.write('cachet verify: no S/MIME signature found\n');
        return EXIT_UNUSABLE;
      }
      const report: LayerJson[] = [];
      for (const layer of layers) report.push(await layerJson(layer, validate));
      const allGood = report.every((l) => l.status === 'good' && l.signers.length > 0 && l.signers.every((s) => s.status === 'good'));
      if (parsed.flags.has('--json')) io.stdout.write(JSON.stringify({ signed: true, allGood, layers: report }, null, 2) + '\n');
      else printText(report, io);
      return allGood ? EXIT_OK : EXIT_NOT_GOOD;
    },
  };
}

export const verify = createVerifyCommand();
