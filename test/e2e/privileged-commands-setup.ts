/**
 * What the privileged-commands browser test (privileged-commands.test.ts) needs beside a
 * Cachet browser: a second, hostile extension loaded next to Cachet, a Chromium command
 * line that loads both, and a native host that records every message the browser sends
 * it, so the test can tell that a refused command reached no private key.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes an unpacked MV3 extension to `dir`. Its worker answers web pages (its
 * `externally_connectable` names 127.0.0.1, so a page there has `chrome.runtime` at all),
 * its content script runs on every 127.0.0.1 page, and it may use native messaging: all
 * that another extension could have, aimed at Cachet.
 */
export function writeProbeExtension(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3,
    name,
    version: '1.0',
    background: { service_worker: 'worker.js' },
    permissions: ['nativeMessaging'],
    externally_connectable: { matches: ['http://127.0.0.1/*'] },
    content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['content.js'], run_at: 'document_start' }],
  }));
  writeFileSync(path.join(dir, 'worker.js'), 'chrome.runtime.onMessageExternal.addListener((message, sender, reply) => reply({ probe: "pong" }));\n');
  // The test evaluates its attempts in this script's world; the file only has to exist.
  writeFileSync(path.join(dir, 'content.js'), 'void 0;\n');
  writeFileSync(path.join(dir, 'page.html'), '<!doctype html><title>Probe</title><p>Probe</p>\n');
}

/**
 * A Chromium launcher that adds `extraExtensionDir` to the extensions Playwright is told
 * to load (`--load-extension` and `--disable-extensions-except` take comma-separated
 * lists), so the one Cachet browser of native-host/tooling/demo/cachet-browser.ts runs
 * the probe beside Cachet.
 */
export function writeChromiumWithExtra(file: string, chromium: string, extraExtensionDir: string): void {
  if (extraExtensionDir.includes(',')) throw new Error(`${extraExtensionDir}: an extension folder with a comma cannot be loaded`);
  writeFileSync(file, [
    '#!/bin/bash',
    'args=()',
    'for arg in "$@"; do',
    '  case "$arg" in',
    `    --load-extension=*|--disable-extensions-except=*) args+=("$arg,${extraExtensionDir}") ;;`,
    '    *) args+=("$arg") ;;',
    '  esac',
    'done',
    `exec ${chromium} "\${args[@]}"`,
    '',
  ].join('\n'), { mode: 0o755 });
}

/**
 * A native host script that starts the real one (`CACHET_PROBE_HOST`) as its child and
 * appends every byte the browser sends to `CACHET_PROBE_LOG` before passing it on. The
 * host's answers go straight back to the browser.
 */
export function writeRecordingHost(file: string): void {
  writeFileSync(file, `import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
const log = process.env.CACHET_PROBE_LOG;
const host = spawn(process.execPath, [process.env.CACHET_PROBE_HOST, ...process.argv.slice(2)], { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.on('data', (chunk) => {
  appendFileSync(log, chunk);
  host.stdin.write(chunk);
});
process.stdin.on('end', () => host.stdin.end());
host.on('exit', (code) => process.exit(code ?? 1));
`);
}

/** One message the browser sent the host, as far as the test needs it. */
export interface HostMessage {
  readonly kind: string;
  readonly type?: string;
}

/** Reads a recording: native messages are a 32-bit length in native byte order (little-endian here), then JSON. */
export function readHostMessages(logFile: string): HostMessage[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(logFile);
  } catch {
    return [];
  }
  const messages: HostMessage[] = [];
  for (let at = 0; at + 4 <= bytes.length;) {
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) break;
    const message = JSON.parse(bytes.subarray(at + 4, at + 4 + length).toString('utf8')) as { kind?: unknown; type?: unknown };
    messages.push({ kind: String(message.kind), ...(typeof message.type === 'string' && { type: message.type }) });
    at += 4 + length;
  }
  return messages;
}
