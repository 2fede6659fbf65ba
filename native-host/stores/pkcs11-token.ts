/**
 * One token in one PKCS#11 module while it is present: its session, its login (through
 * the PIN broker or the reader's PIN pad), the identities on it, and a queue so only one
 * operation at a time uses the session.
 */
import pkcs11js from 'pkcs11js';
import { CachetError } from '../../src/errors';
import type { PinStatus, TokenDescription } from '../../src/protocol/native';
import { SerialQueue } from '../host/serial-queue';
import type { LoginCache } from '../pin/login-cache';
import type { EventSink, LoginResult, PinBroker } from '../pin/pin-broker';
import { certificateInfo, type CertificateInfo } from './certificate-info';
import { fromPkcs11, PinError, pkcs11ErrorName } from './pkcs11-errors';
import type { Pkcs11Module, PresentToken } from './pkcs11-module';

export interface TokenContext {
  readonly pins: PinBroker;
  readonly logins: LoginCache;
  readonly emit: EventSink;
  readonly log: (line: string) => void;
}

export interface FoundIdentity {
  readonly certificate: Buffer;
  readonly ckaId: Buffer;
  readonly info: CertificateInfo;
}

/** What a key operation works with: the session, the key handle, the token's mechanisms. */
export interface KeyHandle {
  readonly api: pkcs11js.PKCS11;
  readonly session: Buffer;
  readonly key: Buffer;
  readonly mechanisms: ReadonlySet<number>;
}

export type KeyOperation<T> = (handle: KeyHandle) => Promise<T>;

const CKS_RO_USER_FUNCTIONS = 1;
const CKS_RW_USER_FUNCTIONS = 3;
const MAX_OBJECTS = 512;

export function pinStatusFromFlags(flags: number): PinStatus {
  return {
    countLow: (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) !== 0,
    finalTry: (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) !== 0,
    locked: (flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0,
  };
}

export class Pkcs11Token {
  readonly queue = new SerialQueue();
  #session: Buffer | undefined;
  #loggedIn = false;
  #gone = false;
  #mechanisms: ReadonlySet<number> | undefined;

  constructor(readonly module: Pkcs11Module, private present: PresentToken, private readonly context: TokenContext) {}

  get key(): string {
    return this.present.key;
  }

  get label(): string {
    return this.present.info.label.trim();
  }

  get serial(): string {
    return this.present.info.serialNumber.trim();
  }

  get gone(): boolean {
    return this.#gone;
  }

  /** Not logged in and not in use: closing it loses nothing. */
  get idle(): boolean {
    return !this.#loggedIn && this.queue.idle;
  }

  private get api(): pkcs11js.PKCS11 {
    return this.module.api;
  }

  /** Fresh token flags (PIN counters change with every login attempt). */
  flags(): number {
    try {
      this.present = { ...this.present, info: this.api.C_GetTokenInfo(this.present.slot) };
    } catch (error) {
      throw fromPkcs11(error, `token ${this.label}`);
    }
    return this.present.info.flags;
  }

  describe(): TokenDescription {
    const flags = this.present.info.flags;
    const info = this.present.info;
    return {
      label: this.label, serial: this.serial, manufacturer: info.manufacturerID.trim(), model: info.model.trim(),
      loginRequired: (flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0, loggedIn: this.#loggedIn,
      protectedAuthPath: (flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0, pin: pinStatusFromFlags(flags),
    };
  }

  session(): Buffer {
    if (this.#gone) throw new CachetError('token/removed', `token ${this.label} was removed`);
    if (!this.#session) {
      try {
        this.#session = this.api.C_OpenSession(this.present.slot, pkcs11js.CKF_SERIAL_SESSION);
      } catch (error) {
        throw fromPkcs11(error, `opening a session on token ${this.label}`);
      }
    }
    return this.#session;
  }

  /** Certificates that belong to a private key on this token, with what they allow. */
  scan(): FoundIdentity[] {
    const session = this.session();
    const certs = this.find(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    ]);
    const privateIds = this.ids(session, pkcs11js.CKO_PRIVATE_KEY);
    const publicIds = this.ids(session, pkcs11js.CKO_PUBLIC_KEY);
    const found: FoundIdentity[] = [];
    for (const handle of certs) {
      const [value, id] = this.api.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }, { type: pkcs11js.CKA_ID }]);
      if (!value?.value || !id?.value || id.value.length === 0) continue;
      const info = certificateInfo(value.value);
      if (!info || info.isCa) continue;
      const hex = id.value.toString('hex');
      // Private keys are often invisible before login: then a matching public key, or on
      // tokens without public key objects the CKA_ID alone, links certificate and key.
      const keyVisible = privateIds.size > 0 || !this.needsLogin();
      const linked = keyVisible ? privateIds.has(hex) : publicIds.size > 0 ? publicIds.has(hex) : true;
      if (linked) found.push({ certificate: value.value, ckaId: id.value, info });
    }
    return found;
  }

  /** The mechanisms the token offers (read once: they do not change while it is present). */
  mechanisms(): ReadonlySet<number> {
    if (!this.#mechanisms) {
      try {
        this.#mechanisms = new Set(this.api.C_GetMechanismList(this.present.slot));
      } catch (error) {
        throw fromPkcs11(error, `reading the mechanisms of token ${this.label}`);
      }
    }
    return this.#mechanisms;
  }

  /** Runs `operation` with the private key whose CKA_ID is `ckaId`, logged in as needed. */
  withPrivateKey<T>(ckaId: Buffer, what: string, operation: KeyOperation<T>): Promise<T> {
    return this.queue.run(async () => {
      try {
        await this.ensureLogin();
        const session = this.session();
        const [key] = this.find(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: ckaId }]);
        if (!key) throw new CachetError('key/unavailable', `no private key for this certificate on token ${this.label}`);
        return await operation({ api: this.api, session, key, mechanisms: this.mechanisms() });
      } catch (error) {
        throw fromPkcs11(error, what);
      } finally {
        if (this.context.logins.seconds <= 0) this.logout();
      }
    });
  }

  needsLogin(): boolean {
    return (this.present.info.flags & pkcs11js.CKF_LOGIN_REQUIRED) !== 0 && !this.isLoggedIn();
  }

  private isLoggedIn(): boolean {
    if (!this.#loggedIn || !this.#session) return false;
    try {
      const state = this.api.C_GetSessionInfo(this.#session).state;
      this.#loggedIn = state === CKS_RO_USER_FUNCTIONS || state === CKS_RW_USER_FUNCTIONS;
    } catch {
      this.#loggedIn = false;
    }
    return this.#loggedIn;
  }

  async ensureLogin(): Promise<void> {
    const flags = this.flags();
    if ((flags & pkcs11js.CKF_LOGIN_REQUIRED) === 0 || this.isLoggedIn()) return;
    const session = this.session();
    if ((flags & pkcs11js.CKF_USER_PIN_LOCKED) !== 0) throw new PinError('pin/locked', `the PIN of token ${this.label} is locked`, pinStatusFromFlags(flags));
    if ((flags & pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0) {
      // The reader takes the PIN on its own pad; C_Login waits for it.
      this.context.emit('pin/pad', { token: { label: this.label, serial: this.serial } });
      const result = this.attemptLogin(session, undefined);
      if (result === 'locked') throw new PinError('pin/locked', `the PIN of token ${this.label} is locked`, pinStatusFromFlags(this.flags()));
      if (result === 'incorrect') throw new PinError('pin/incorrect', `wrong PIN for token ${this.label}`, pinStatusFromFlags(this.flags()));
    } else {
      await this.context.pins.obtainLogin({
        token: { label: this.label, serial: this.serial },
        status: () => pinStatusFromFlags(this.safeFlags()),
        attempt: (pin) => this.attemptLogin(session, pin),
      });
    }
    this.#loggedIn = true;
    this.context.logins.started(this.key, () => { void this.queue.run(() => Promise.resolve(this.logout())); });
  }

  private safeFlags(): number {
    try {
      return this.flags();
    } catch {
      return this.present.info.flags;
    }
  }

  private attemptLogin(session: Buffer, pin: string | undefined): LoginResult {
    try {
      if (pin === undefined) this.api.C_Login(session, pkcs11js.CKU_USER);
      else this.api.C_Login(session, pkcs11js.CKU_USER, pin);
      return 'accepted';
    } catch (error) {
      const name = pkcs11ErrorName(error);
      if (name === 'CKR_USER_ALREADY_LOGGED_IN') return 'accepted';
      if (name === 'CKR_PIN_INCORRECT' || name === 'CKR_PIN_INVALID' || name === 'CKR_PIN_LEN_RANGE') return 'incorrect';
      if (name === 'CKR_PIN_LOCKED') return 'locked';
      throw fromPkcs11(error, `login to token ${this.label}`);
    }
  }

  logout(): void {
    this.context.logins.forget(this.key);
    if (!this.#loggedIn || !this.#session) return;
    this.#loggedIn = false;
    try {
      this.api.C_Logout(this.#session);
    } catch { /* already logged out, or the token is gone */ }
  }

  /** The token went away: drop the login and the session (B19). */
  dispose(): void {
    this.#gone = true;
    this.context.logins.forget(this.key);
    this.context.pins.cancelToken(this.label, this.serial);
    this.#loggedIn = false;
    if (this.#session) {
      try {
        this.api.C_CloseSession(this.#session);
      } catch { /* the session died with the token */ }
      this.#session = undefined;
    }
  }

  private find(session: Buffer, template: pkcs11js.Template): Buffer[] {
    this.api.C_FindObjectsInit(session, template);
    try {
      return this.api.C_FindObjects(session, MAX_OBJECTS);
    } finally {
      this.api.C_FindObjectsFinal(session);
    }
  }

  private ids(session: Buffer, objectClass: number): Set<string> {
    const ids = new Set<string>();
    for (const handle of this.find(session, [{ type: pkcs11js.CKA_CLASS, value: objectClass }])) {
      const [id] = this.api.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }]);
      if (id?.value && id.value.length > 0) ids.add(id.value.toString('hex'));
    }
    return ids;
  }
}
