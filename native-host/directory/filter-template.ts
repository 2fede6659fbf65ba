/**
 * The search filter for one address: the policy's RFC 4515 template with every
 * `{address}` replaced by the address, escaped so that nothing in it can change the
 * filter's structure (RFC 4515 §3: `*`, `(`, `)`, `\` and NUL are written as `\XX`).
 * The result is parsed once here, so a broken template is the caller's error before any
 * connection is made.
 */
import { FilterParser } from 'ldapts';
import { CachetError } from '../../src/errors';

// eslint-disable-next-line no-control-regex -- NUL is one of the characters RFC 4515 escapes
const SPECIAL = /[*()\\\u0000]/g;

export function escapeFilterValue(value: string): string {
  return value.replace(SPECIAL, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * ldapts's parser reads what it can and leaves the rest: a filter with a parenthesis
 * missing or extra, or text after the outermost one, would be sent as something else.
 */
function balanced(filter: string): boolean {
  let depth = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i];
    if (c === '\\') i += 2;
    else if (c === '(') depth += 1;
    else if (c === ')') {
      depth -= 1;
      if (depth < 0 || (depth === 0 && i !== filter.length - 1)) return false;
    }
  }
  return depth === 0;
}

export function filterFor(template: string, address: string): string {
  const filter = template.replaceAll('{address}', escapeFilterValue(address));
  try {
    if (!balanced(filter)) throw new Error('its parentheses do not match');
    FilterParser.parseString(filter);
  } catch (error) {
    throw new CachetError('input/invalid', `the directory filter is not an RFC 4515 filter: ${error instanceof Error ? error.message : String(error)}`);
  }
  return filter;
}
