/**
 * Hands the created message to the browser's downloads as an .eml file. The Blob URL is
 * kept so the page can offer the file again, and revoked when a newer message replaces it.
 */
import { base64ToBytes } from '../../../protocol/runtime-bytes';

export interface CreatedMessage {
  readonly url: string;
  readonly fileName: string;
}

export function messageUrl(base64: string): string {
  return URL.createObjectURL(new Blob([base64ToBytes(base64) as Uint8Array<ArrayBuffer>], { type: 'message/rfc822' }));
}

export function startDownload(message: CreatedMessage): void {
  const link = document.createElement('a');
  link.href = message.url;
  link.download = message.fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
