import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import { sessionOwner } from '../reader/session-owner';
import type { BackgroundServices } from '../services';

export const readerAttachment = ({ reader }: BackgroundServices): Handler<'reader/attachment'> =>
  async ({ sessionId, index }, sender) => ({ data: bytesToBase64(await reader.attachment(sessionId, index, sessionOwner(sender))) });
