/** `cachet help` lists commands from the registry without loading them: it must say what each module says of itself. */
import { describe, expect, it } from 'vitest';
import { commands } from '../../native-host/cli/commands';

describe('command registry', () => {
  it('names and summarises each command as its module does', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  });
});
