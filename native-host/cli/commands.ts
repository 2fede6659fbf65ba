import type { Command } from './command';

/** Every `cachet` subcommand, in the order `cachet help` lists them. */
export const commands: readonly Command[] = [];
