#!/usr/bin/env node
/**
 * The native-messaging host the browser starts for Cachet's extension: checks who called,
 * opens the key stores, and serves requests on stdin/stdout until the browser closes the
 * pipe. Logs go to stderr (the browser keeps them); PINs and key material never do.
 */
import { CachetError } from '../../src/errors';
import { encodeFrames } from '../../src/protocol/framing';
import { LoginCache } from '../pin/login-cache';
import { PinBroker, type EventSink } from '../pin/pin-broker';
import type { DirectoryService } from '../directory/directory-service';
import type { MailService } from '../mail/mail-service';
import { DEFAULT_HOST_CONFIG, keyStoreDirectory, loadHostConfig, type HostConfig } from '../stores/host-config';
import { StoreRegistry } from '../stores/store-registry';
import { isAllowedCaller, parseCaller } from './caller-origin';
import { Connection } from './connection';
import { encodeFrame } from './frame-reader';
import { createHandlers } from './handlers';

function log(line: string): void {
  process.stderr.write(`cachet-host: ${line}\n`);
}

function refuse(reason: string): void {
  const error = new CachetError('native/forbidden-origin', reason);
  const frames = encodeFrames({ kind: 'response', id: null, ok: false, error: { code: error.code, message: error.message } }, 'h0');
  for (const frame of frames) process.stdout.write(encodeFrame(frame));
  log(reason);
  process.exitCode = 1;
}

async function main(): Promise<void> {
  const caller = parseCaller(process.argv.slice(2));
  if (!caller || !isAllowedCaller(caller)) {
    refuse(caller ? `caller ${caller.extensionId} is not Cachet` : 'started without a browser caller origin');
    return;
  }
  let config: HostConfig;
  try {
    config = loadHostConfig();
  } catch (error) {
    log(`${error instanceof Error ? error.message : String(error)}; using defaults`);
    config = DEFAULT_HOST_CONFIG;
  }
  // Events can only go out once the connection exists; stores may raise them earlier.
  const out: { connection?: Connection } = {};
  const emit: EventSink = (event, data) => out.connection?.sendEvent(event, data);
  const pins = new PinBroker(emit, config.pinTimeoutSeconds);
  const logins = new LoginCache(config.pinCacheSeconds);
  const registry = new StoreRegistry(config, { pins, logins, emit, log });
  registry.open();
  registry.startPolling();
  // Mail (nodemailer, imapflow) loads on the first mail request: signing and decrypting,
  // what the host is started for most, never wait for it (issue 16).
  let mail: Promise<MailService> | undefined;
  const mailService = (): Promise<MailService> => mail ??= import('../mail/mail-service').then(
    ({ MailService: Service }) => new Service({ dir: keyStoreDirectory(config), trustedCertificateFiles: config.mailTrustedCertificates }));
  // The directory (ldapts) loads on the first directory request.
  let directory: Promise<DirectoryService> | undefined;
  const directoryService = (): Promise<DirectoryService> => directory ??= import('../directory/directory-service').then(
    ({ DirectoryService: Service }) => new Service({ dir: keyStoreDirectory(config), trustedCertificateFiles: config.directoryTrustedCertificates, log }));
  out.connection = new Connection({ input: process.stdin, output: process.stdout, handlers: createHandlers(registry, pins, mailService, directoryService), log });
  await out.connection.run();
  await mail?.then((service) => service.accounts.forgetSession(), () => undefined);
  if (directory) (await directory).passwords.forgetSession();
  pins.cancelAll();
  logins.forgetAll();
  registry.close();
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    log(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(70);
  },
);
