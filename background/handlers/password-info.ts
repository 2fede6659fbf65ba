import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const passwordInfo = ({ passwords }: BackgroundServices): Handler<'password/info'> =>
  ({ promptId }) => Promise.resolve(passwords.info(promptId));
