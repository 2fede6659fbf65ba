import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const passwordCancel = ({ passwords }: BackgroundServices): Handler<'password/cancel'> =>
  ({ promptId }) => {
    passwords.cancel(promptId);
    return Promise.resolve({});
  };
