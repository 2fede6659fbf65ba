/**
 * The key stores opened inside the calling process, for the command line (`cachet
 * identities`, `cachet doctor`, and token keys for `sign`/`decrypt`). Without explicit
 * modules or databases it uses the host's configuration, so it sees what the host sees.
 */
import { LoginCache } from '../pin/login-cache';
import { PinBroker, type EventSink } from '../pin/pin-broker';
import { loadHostConfig, type HostConfig } from './host-config';
import { StoreRegistry } from './store-registry';

export interface LocalStoreOptions {
  readonly modules?: readonly string[];
  readonly nssDatabases?: readonly string[];
  /** Answers PIN prompts (from --pin-file); without it a login fails with pin/cancelled. */
  readonly pin?: string;
  readonly log?: (line: string) => void;
}

export interface LocalStores {
  readonly registry: StoreRegistry;
  readonly config: HostConfig;
  close(): void;
}

export function openLocalStores(options: LocalStoreOptions = {}): LocalStores {
  const base = loadHostConfig();
  const explicit = (options.modules?.length ?? 0) + (options.nssDatabases?.length ?? 0) > 0;
  const config: HostConfig = explicit
    ? { ...base, modules: options.modules ?? [], nssDatabases: options.nssDatabases ?? [], defaultModules: false, defaultNssDatabases: false, pinCacheSeconds: 3600 }
    : { ...base, pinCacheSeconds: 3600 };
  const holder: { pins?: PinBroker } = {};
  // The command line has no PIN page: a prompt is answered from --pin-file or cancelled.
  const emit: EventSink = (event, data) => {
    const pins = holder.pins;
    if (event !== 'pin/needed' || !pins) return;
    const { promptId } = data as { promptId: string };
    queueMicrotask(() => {
      try {
        if (options.pin === undefined) pins.cancel(promptId);
        else if (pins.provide(promptId, options.pin).result === 'incorrect') pins.giveUp(promptId);
      } catch { /* the prompt already closed */ }
    });
  };
  const pins = new PinBroker(emit, config.pinTimeoutSeconds);
  holder.pins = pins;
  const logins = new LoginCache(config.pinCacheSeconds);
  const registry = new StoreRegistry(config, { pins, logins, emit, log: options.log ?? (() => undefined) });
  registry.open();
  return {
    registry, config,
    close: () => {
      pins.cancelAll();
      logins.forgetAll();
      registry.close();
    },
  };
}
