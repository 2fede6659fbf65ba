import { EXIT_OK, type CliIo, type Command } from '../command';
import { uninstallHost } from '../../install/install-host';
import { homeDirectory, parseHostArguments } from '../../install/install-arguments';

/** `cachet host uninstall`: removes what `host install` wrote. */
export const hostUninstall: Command = {
  name: 'host uninstall',
  summary: 'remove the native host registration',
  usage: `usage: cachet host uninstall [--browser chrome|chromium|edge|brave|firefox|all]... [--user|--system]
                             [--user-data-dir DIR]

Removes the host manifests of the chosen browsers (default: all), and the launcher once no
browser uses it. On Windows it writes a .reg file that deletes the registry entries.
`,
  async run(args: readonly string[], io: CliIo): Promise<number> {
    const parsed = parseHostArguments(args, false);
    const result = await uninstallHost({
      browsers: parsed.browsers, scope: parsed.scope, platform: process.platform, home: homeDirectory(process.env), env: process.env,
      ...(parsed.userDataDir === undefined ? {} : { userDataDir: parsed.userDataDir }),
    });
    if (result.written.length === 0) io.stdout.write('nothing to remove\n');
    for (const file of result.written) io.stdout.write(`removed ${file}\n`);
    for (const note of result.notes) io.stdout.write(`${note}\n`);
    return EXIT_OK;
  },
};
