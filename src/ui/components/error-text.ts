import { isCachetError } from '../../errors';

/** A message a person can act on; the code is kept in brackets for support requests. */
export function errorText(error: unknown): string {
  if (isCachetError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
