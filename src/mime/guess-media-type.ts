/**
 * Media type of an attachment from its file name, for the common types a mail client meets.
 * Anything unknown is application/octet-stream (RFC 2046 §4.5.1), which every client offers
 * to save. message/* and multipart/* are deliberately absent: they may not be base64
 * encoded (RFC 2045 §6.4), so they are never guessed, only asked for.
 */

const BY_EXTENSION: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  text: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  htm: 'text/html',
  html: 'text/html',
  css: 'text/css',
  md: 'text/markdown',
  ics: 'text/calendar',
  vcf: 'text/vcard',
  xml: 'application/xml',
  json: 'application/json',
  pdf: 'application/pdf',
  rtf: 'application/rtf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  '7z': 'application/x-7z-compressed',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  p7s: 'application/pkcs7-signature',
  p7m: 'application/pkcs7-mime',
  p7c: 'application/pkcs7-mime',
  cer: 'application/pkix-cert',
  crt: 'application/pkix-cert',
  crl: 'application/pkix-crl',
  p12: 'application/pkcs12',
  pfx: 'application/pkcs12',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/vnd.microsoft.icon',
  heic: 'image/heic',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  m4a: 'audio/mp4',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

export const DEFAULT_MEDIA_TYPE = 'application/octet-stream';

export function guessMediaType(filename: string | undefined): string {
  if (filename === undefined) return DEFAULT_MEDIA_TYPE;
  const dot = filename.lastIndexOf('.');
  if (dot < 0) return DEFAULT_MEDIA_TYPE;
  const extension = filename.slice(dot + 1).toLowerCase();
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension]! : DEFAULT_MEDIA_TYPE;
}
