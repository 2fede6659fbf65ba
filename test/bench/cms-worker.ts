/**
 * The child process of cms.bench.ts: runs one Cachet operation on files and prints one
 * JSON line `{ samples, maxRssKiB }`. Sign, encrypt, decrypt and verify are the `cachet`
 * commands themselves; triple wrap is the compose pipeline's one call, and reading a
 * triple-wrapped message is the reader's (`readMessage`). Reported:
 * the wall time in milliseconds of each timed run (reading the input file to writing the
 * output file, keys loaded inside that time as the CLI loads them) and the process's
 * peak resident set size. A fresh process per measurement keeps one operation's garbage
 * and heap growth out of the next one's peak.
 *
 * Usage (after bundling, see cms.bench.ts): node cms-worker.mjs '<job as JSON>'
 */
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import type { CliIo, Command } from '../../native-host/cli/command';
import { readInput } from '../../native-host/cli/commands/cli-input';
import { writeOutput } from '../../native-host/cli/commands/cli-output';
import { decrypt } from '../../native-host/cli/commands/decrypt';
import { encrypt } from '../../native-host/cli/commands/encrypt';
import { nodeCmsCrypto } from '../../native-host/cli/commands/node-cms-crypto';
import { sign } from '../../native-host/cli/commands/sign';
import { verify } from '../../native-host/cli/commands/verify';
import { loadSoftwareKeyOperators } from '../../native-host/keys/load-software-key-operators';
import { readPemCertificates } from '../../native-host/keys/pem';
import { readValidationSettings, signerValidator } from '../../native-host/pki/cli-validation';
import type { SignedLayer } from '../../src/cms';
import { readMessage } from '../../src/cms/read-message';
import { protectMessage } from '../../src/cms/smime-protect';
import { partBytes } from '../../src/mime';
import { judgeSigners, type SignerValidator } from '../../src/smime/judge-signers';
import type { CmsJob } from './cms-job';

const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
const io: CliIo = { stdout: discard, stderr: process.stderr, stdin: process.stdin };

async function runCommand(command: Command, args: readonly string[]): Promise<void> {
  const status = await command.run(args, io);
  if (status !== 0) throw new Error(`cachet ${command.name} exited with ${status}`);
}

/** A good signature whose every signer's certificate is valid up to the root, as `cachet verify --trust` demands. */
async function requireTrusted(layer: SignedLayer, validate: SignerValidator): Promise<void> {
  if (layer.status !== 'good') throw new Error(`${layer.kind} layer: ${layer.status}`);
  for (const signer of await judgeSigners(layer, null, validate)) {
    if (!signer.validation.valid) throw new Error(`a signer's certificate is not valid (${signer.validation.reason ?? 'no reason given'})`);
  }
}

/**
 * Reading a triple-wrapped message as the extension's reader does (`readMessage`: outer
 * signature checked, the part it wraps decrypted, the inner signature checked), keys
 * loaded and input read as `cachet open` does (a view of the file's bytes, which the
 * reader may reuse: the encrypted layer is decrypted where it lies), then each signature
 * held to the trust anchor and the shown content written out.
 */
async function openTripleWrapped(job: CmsJob): Promise<void> {
  const source = await readInput(job.input, io);
  const operators = loadSoftwareKeyOperators({
    certPem: new Uint8Array(await readFile(job.keys.cert)),
    keyPem: new Uint8Array(await readFile(job.keys.key)),
  });
  // The bench's certificates name no CRL distribution point: nothing to fetch, as for OpenSSL.
  const settings = await readValidationSettings(new Map([['--trust', [job.keys.root]]]), new Set(['--offline']), (m) => new Error(m));
  const validate = signerValidator(settings);
  const read = await readMessage(source, { crypto: nodeCmsCrypto, subtle: nodeCmsCrypto.subtle, operators, consumeSource: true });
  const kinds = read.layers.map((entry) => entry.kind).join(', ');
  if (kinds !== 'signed, encrypted, signed') throw new Error(`not read as a triple wrap: ${kinds}`);
  for (const entry of read.layers) if (entry.kind === 'signed') await requireTrusted(entry.layer, validate);
  writeOutput(job.output, [partBytes(read.content)], io);
}

/**
 * Triple wrap in memory, as the compose pipeline does it (background/compose): one
 * `protectMessage` call signs, encrypts to the recipient and signs again. Keys and the
 * chain are loaded as `cachet sign` loads them, the message is read and written as the
 * commands read and write files.
 */
async function tripleWrap(job: CmsJob): Promise<void> {
  const input = await readInput(job.input, io);
  const cert = new Uint8Array(await readFile(job.keys.cert));
  const [signer] = loadSoftwareKeyOperators({ certPem: cert, keyPem: new Uint8Array(await readFile(job.keys.key)) });
  const [recipient] = readPemCertificates(cert);
  if (!signer || !recipient) throw new Error('no signing key or recipient certificate');
  const message = await protectMessage(nodeCmsCrypto, input, {
    sign: { signer, hash: 'SHA-256', chain: readPemCertificates(await readFile(job.keys.chain)) },
    encrypt: { recipients: [recipient], cipher: 'aes-256-cbc', keyTransport: { name: 'RSAES-PKCS1-v1_5' } },
    tripleWrap: true,
  });
  writeOutput(job.output, [message], io);
}

async function runOnce(job: CmsJob): Promise<void> {
  const { cert, key, chain, root } = job.keys;
  switch (job.op) {
    case 'idle':
      return;
    case 'sign':
      return runCommand(sign, ['--cert', cert, '--key', key, '--chain', chain, '--digest', 'sha256', '-o', job.output, job.input]);
    case 'encrypt':
      return runCommand(encrypt, ['--to', cert, '--cipher', 'aes-256-cbc', '-o', job.output, job.input]);
    case 'triple':
      return tripleWrap(job);
    case 'decrypt':
      return runCommand(decrypt, ['--cert', cert, '--key', key, '-o', job.output, job.input]);
    case 'verify':
      return runCommand(verify, ['--trust', root, '--offline', job.input]);
    case 'open':
      return openTripleWrapped(job);
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as CmsJob;
  for (let i = 0; i < job.warmups; i++) await runOnce(job);
  const samples: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    const start = performance.now();
    await runOnce(job);
    samples.push(performance.now() - start);
  }
  // maxRSS is in KiB on Linux: the high-water mark of this process's resident memory.
  process.stdout.write(`${JSON.stringify({ samples, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

await main();
