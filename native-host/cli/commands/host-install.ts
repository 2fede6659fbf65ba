import { EXIT_OK, type CliIo, type Command } from '../command';
import { installHost } from '../../install/install-host';
import { defaultHostScript, homeDirectory, parseHostArguments, PROJECT_ROOT } from '../../install/install-arguments';

/** `cachet host install`: registers the native host with the chosen browsers. */
export const hostInstall: Command = {
  name: 'host install',
  summary: 'register the native host with browsers',
  usage: `usage: cachet host install [--browser chrome|chromium|edge|brave|firefox|all]... [--user|--system]
                           [--user-data-dir DIR] [--host-script FILE]

Writes a launcher and the native-messaging host manifest for each browser (default: all),
for the current user (--user, the default) or every user (--system, needs root). With
--user-data-dir the manifest goes to DIR/NativeMessagingHosts, which a Chromium-family
browser started with --user-data-dir=DIR reads. --host-script runs another host script
(default: dist/native-host/host.mjs from npm run build; a .ts file runs through tsx).
On Windows it writes the manifests and a .reg file to import with reg import.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseHostArguments(args, true);
    const result = await installHost({
      browsers: parsed.browsers, scope: parsed.scope, platform: process.platform, home: homeDirectory(process.env), env: process.env,
      ...(parsed.userDataDir === undefined ? {} : { userDataDir: parsed.userDataDir }),
      target: { node: process.execPath, hostScript: parsed.hostScript ?? defaultHostScript(), root: PROJECT_ROOT },
    });
    for (const file of result.written) io.stdout.write(`wrote ${file}\n`);
    for (const note of result.notes) io.stdout.write(`${note}\n`);
    return EXIT_OK;
  },
};
