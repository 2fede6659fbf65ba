import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

/** The answer goes to the transport that asked; whether it is right, the server says. */
export const passwordProvide = ({ passwords }: BackgroundServices): Handler<'password/provide'> =>
  ({ promptId, answer }) => {
    passwords.provide(promptId, answer);
    return Promise.resolve({});
  };
