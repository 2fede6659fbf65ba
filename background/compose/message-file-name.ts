/**
 * The download name of a created message: its subject made safe as a file name on every
 * desktop system (no path separators, no characters Windows reserves, no control
 * characters, no leading dot that would hide it), with the `.eml` that mail programs open.
 */
const maxStemLength = 80;

export function messageFileName(subject: string): string {
  const cleaned = subject
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\x00-\x1f\x7f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const stem = Array.from(cleaned).slice(0, maxStemLength).join('').trim();
  return `${stem === '' ? 'message' : stem}.eml`;
}
