import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` in turn (or only those whose names
 * contain one of the command-line arguments). Each exports a default async function
 * that prints its own result lines.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

for (const name of benches) {
  console.log(`== ${name}`);
  const module = (await import(pathToFileURL(path.join(here, name)).href)) as { default?: () => Promise<void> };
  if (typeof module.default !== 'function') throw new Error(`${name} has no default export`);
  await module.default();
}
