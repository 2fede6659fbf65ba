import type { Command } from './command';
import { certCheck } from './commands/cert-check';
import { certSelect } from './commands/cert-select';
import { decrypt } from './commands/decrypt';
import { doctor } from './commands/doctor';
import { hostInstall } from './commands/host-install';
import { hostUninstall } from './commands/host-uninstall';
import { identities } from './commands/identities';
import { encrypt } from './commands/encrypt';
import { inspect } from './commands/inspect';
import { keyCommands } from './commands/key-import';
import { accountCommands } from './commands/mail-account';
import { fetchMessage } from './commands/mail-fetch';
import { sendMessage } from './commands/mail-send';
import { open } from './commands/open';
import { protect } from './commands/protect';
import { sign } from './commands/sign';
import { verify } from './commands/verify';

/** Every `cachet` subcommand, in the order `cachet help` lists them. */
export const commands: readonly Command[] = [inspect, sign, verify, encrypt, decrypt, protect, open, certCheck, certSelect, identities, ...keyCommands, sendMessage, fetchMessage, ...accountCommands, hostInstall, hostUninstall, doctor];
