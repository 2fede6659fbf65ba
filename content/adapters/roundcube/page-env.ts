/**
 * Reads the settings Roundcube gives its own script (`rcmail.set_env({...})`) from the
 * page's inline scripts, as text: the content script cannot see the page's JavaScript
 * objects, and must not run the page's code. A page that says something odd here only
 * gets Cachet to fetch a URL of its own origin, which it could fetch itself.
 */
import { envCall, envScript } from './selectors';

export type RoundcubeEnv = Readonly<Record<string, unknown>>;

/** Bounds the work on a hostile page: Roundcube's env script is a few kilobytes. */
const maxScriptChars = 512 * 1024;

export function readRoundcubeEnv(doc: Document): RoundcubeEnv {
  const env: Record<string, unknown> = {};
  for (const script of doc.querySelectorAll(envScript)) {
    const text = script.textContent ?? '';
    if (text.length > maxScriptChars) continue;
    let at = text.indexOf(envCall);
    while (at !== -1) {
      const parsed = jsonObjectAt(text, at + envCall.length);
      if (parsed) Object.assign(env, parsed);
      at = text.indexOf(envCall, at + envCall.length);
    }
  }
  return env;
}

/** The JSON object starting at `start`, found by matching braces outside strings. */
function jsonObjectAt(text: string, start: number): Record<string, unknown> | undefined {
  if (text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        try {
          const value: unknown = JSON.parse(text.slice(start, i + 1));
          return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

export function envString(env: RoundcubeEnv, key: string): string | undefined {
  const value = env[key];
  if (typeof value === 'string' && value.length > 0 && value.length <= 1024) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
