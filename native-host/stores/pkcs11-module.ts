/**
 * One loaded PKCS#11 library (a smart-card middleware such as OpenSC, SoftHSM2, the p11-kit
 * proxy, or NSS's softoken opened on a certificate database) and the tokens present in its
 * slots. Keys stay inside the library; only handles and results come out.
 */
import pkcs11js from 'pkcs11js';
import { CachetError } from '../../src/errors';
import type { StoreKind } from '../../src/protocol/native';

export interface ModuleSpec {
  readonly path: string;
  readonly kind: Extract<StoreKind, 'pkcs11' | 'nss'>;
  /** Shown to people: the library file, or the NSS database directory. */
  readonly label: string;
  /** NSS softoken's init string (configdir=…); absent for ordinary modules. */
  readonly libraryParameters?: string;
}

export interface PresentToken {
  readonly slot: Buffer;
  readonly info: pkcs11js.TokenInfo;
  /** Stable while the token stays inserted: serial and label. */
  readonly key: string;
}

export class Pkcs11Module {
  private constructor(readonly spec: ModuleSpec, readonly api: pkcs11js.PKCS11) {}

  static open(spec: ModuleSpec): Pkcs11Module {
    const api = new pkcs11js.PKCS11();
    try {
      api.load(spec.path);
    } catch (error) {
      throw new CachetError('key/unavailable', `cannot load PKCS#11 module ${spec.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      Pkcs11Module.initialize(api, spec);
    } catch (error) {
      try { api.close(); } catch { /* the load already failed */ }
      throw error;
    }
    return new Pkcs11Module(spec, api);
  }

  /**
   * Finalises and initialises the library again. Some modules (SoftHSM2) enumerate their
   * tokens only at initialisation, so a token added later shows up only after this. Every
   * session and login of the module ends. When initialising fails (SoftHSM2 whose token
   * directory is gone, say) the library stays loaded, so that the next call tries again
   * and a card put back is found without restarting the host.
   */
  reinitialize(): void {
    try {
      this.api.C_Finalize();
    } catch { /* not initialised: initialise below */ }
    Pkcs11Module.initialize(this.api, this.spec);
  }

  private static initialize(api: pkcs11js.PKCS11, spec: ModuleSpec): void {
    try {
      // OS locking: token work runs on libuv's threads while presence polls run here.
      const options: pkcs11js.InitializationOptions = { flags: pkcs11js.CKF_OS_LOCKING_OK };
      api.C_Initialize(spec.libraryParameters === undefined ? options : { ...options, libraryParameters: spec.libraryParameters });
    } catch (error) {
      if (!/CKR_CRYPTOKI_ALREADY_INITIALIZED/.test(String(error))) {
        throw new CachetError('key/unavailable', `cannot initialise PKCS#11 module ${spec.path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * Tokens present now. A slot whose token info cannot be read counts as empty: SoftHSM2
   * keeps listing a deleted token's slot but fails every call on it.
   */
  presentTokens(): PresentToken[] {
    const tokens: PresentToken[] = [];
    for (const slot of this.api.C_GetSlotList(true)) {
      let info: pkcs11js.TokenInfo;
      try {
        info = this.api.C_GetTokenInfo(slot);
      } catch {
        continue;
      }
      if ((info.flags & pkcs11js.CKF_TOKEN_INITIALIZED) === 0) continue;
      tokens.push({ slot, info, key: `${info.serialNumber.trim()}\u0000${info.label.trim()}` });
    }
    return tokens;
  }

  close(): void {
    try {
      this.api.C_Finalize();
    } catch { /* closing a module that is already gone */ }
    try {
      this.api.close();
    } catch { /* as above */ }
  }
}
