import type { Handler } from '../handler';
import { sessionOwner } from '../reader/session-owner';
import type { BackgroundServices } from '../services';

export const readerValidation = ({ reader }: BackgroundServices): Handler<'reader/validation'> =>
  async ({ sessionId }, sender) => ({ signers: await reader.validation(sessionId, sessionOwner(sender)) });
