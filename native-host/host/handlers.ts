/**
 * What the host does for each request type, over the key stores and the PIN broker.
 * Requests arrive here already validated (connection.ts).
 */
import packageJson from '../../package.json';
import { NATIVE_PROTOCOL_VERSION } from '../../src/protocol/native';
import { MAX_FRAME_BYTES } from '../../src/protocol/framing';
import type { DirectoryService } from '../directory/directory-service';
import type { MailService } from '../mail/mail-service';
import type { PinBroker } from '../pin/pin-broker';
import type { StoreRegistry } from '../stores/store-registry';
import type { Handlers } from './connection';
import { SplicedAnswer } from './spliced-answer';

const b64 = (value: string): Buffer => Buffer.from(value, 'base64');
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * `mail` gives the mail service, which (with nodemailer and imapflow) loads on the first
 * mail request; `directory` the directory service, which (with ldapts) loads on the first
 * directory request.
 */
export function createHandlers(registry: StoreRegistry, pins: PinBroker, mail: () => Promise<MailService>, directory: () => Promise<DirectoryService>): Handlers {
  return {
    hello: () => Promise.resolve({
      protocol: NATIVE_PROTOCOL_VERSION, hostVersion: packageJson.version, platform: `${process.platform}-${process.arch}`,
      stores: registry.statuses(), maxFrameBytes: MAX_FRAME_BYTES,
    }),
    'identities/list': async () => ({ identities: await registry.listIdentities() }),
    'key/sign': async (req) => ({ signature: text(await registry.sign(req.identity, b64(req.digest), req.scheme)) }),
    'key/decrypt': async (req) => ({ key: text(await registry.decrypt(req.identity, b64(req.wrappedKey), req.scheme)) }),
    'key/derive': async (req) => ({ secret: text(await registry.derive(req.identity, b64(req.publicPoint), req.curve)) }),
    'pin/provide': (req) => Promise.resolve(pins.provide(req.promptId, req.pin)),
    'pin/cancel': (req) => {
      pins.cancel(req.promptId);
      return Promise.resolve({});
    },
    'session/logout': async () => ({ tokens: await registry.logoutAll() }),
    'account/list': async () => ({ accounts: (await mail()).accounts.list() }),
    'account/set': async (req) => ({ account: (await mail()).accounts.set(req) }),
    'account/remove': async (req) => ({ removed: (await mail()).accounts.remove(req.origin) }),
    'account/set-password': async (req) => ({ account: (await mail()).accounts.setPassword(req.origin, req.password, req.remember) }),
    'account/forget-password': async (req) => ({ forgotten: (await mail()).accounts.forgetPassword(req.origin) }),
    'mail/send': async (req) => (await mail()).send(req.origin, b64(req.message), req.envelope, req.saveToSent),
    'mail/fetch': async (req) => {
      const { message, mailbox, uid } = await (await mail()).fetch(req.origin, req);
      // Up to tens of megabytes: its base64 is cut from the octets frame by frame.
      return new SplicedAnswer({ message: '', mailbox, uid }, 'message', message);
    },
    'directory/search': async (req) => (await directory()).search(req.directory, req.address),
    'directory/read-url': async (req) => (await directory()).readUrlRequest(req),
    'directory/set-password': async (req) => {
      (await directory()).passwords.set(req.url, req.bindDn, req.password, req.remember);
      return {};
    },
    'directory/forget-password': async (req) => ({ forgotten: (await directory()).passwords.forget(req.url, req.bindDn) }),
  };
}
