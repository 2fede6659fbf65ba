/**
 * The native-messaging host manifest each browser reads: Chromium-family browsers list
 * the extension origins allowed to start the host, Firefox the add-on ids.
 */
import { NATIVE_HOST_NAME } from '../../src/protocol/native';
import { CHROMIUM_EXTENSION_IDS, FIREFOX_EXTENSION_IDS } from './extension-ids';
import { isChromiumFamily, type Browser } from './browsers';

export interface HostManifest {
  readonly name: string;
  readonly description: string;
  readonly path: string;
  readonly type: 'stdio';
  readonly allowed_origins?: readonly string[];
  readonly allowed_extensions?: readonly string[];
}

export function hostManifest(browser: Browser, launcher: string): HostManifest {
  const common = { name: NATIVE_HOST_NAME, description: 'Cachet S/MIME: smart cards and key stores', path: launcher, type: 'stdio' } as const;
  return isChromiumFamily(browser)
    ? { ...common, allowed_origins: CHROMIUM_EXTENSION_IDS.map((id) => `chrome-extension://${id}/`) }
    : { ...common, allowed_extensions: FIREFOX_EXTENSION_IDS };
}

export function manifestFileName(): string {
  return `${NATIVE_HOST_NAME}.json`;
}
