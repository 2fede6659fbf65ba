/** The slice of `runtime.Port` the native client uses, so tests can pass a fake host. */
export interface NativePort {
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: (port: NativePort) => void): void };
  disconnect(): void;
  /** Firefox puts the disconnect reason here; the platform glue copies Chromium's runtime.lastError here. */
  error?: { message?: string } | null;
}
