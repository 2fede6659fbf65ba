/**
 * The operating-system key stores Cachet does not reach yet. macOS Keychain and Windows
 * CNG keys need platform code (Security.framework, NCrypt) that a Node host cannot call
 * without a native addon Cachet does not ship, so they are reported as unsupported rather
 * than pretended. Smart cards on those systems still work through a PKCS#11 module.
 */
import type { StoreStatus } from '../../src/protocol/native';

export function unsupportedPlatformStores(platform: NodeJS.Platform = process.platform): StoreStatus[] {
  if (platform === 'darwin') {
    return [{ kind: 'macos-keychain', label: 'macOS Keychain', available: false, detail: 'not supported: import the key into a token or use the smart card through OpenSC' }];
  }
  if (platform === 'win32') {
    return [{ kind: 'windows-cng', label: 'Windows certificate store (CNG)', available: false, detail: 'not supported: use the smart card through OpenSC\'s PKCS#11 module' }];
  }
  return [];
}
