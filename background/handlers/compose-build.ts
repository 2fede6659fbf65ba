import { bytesToBase64 } from '../../src/protocol/runtime-bytes';
import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const composeBuild = ({ composer }: BackgroundServices): Handler<'compose/build'> =>
  async (request) => {
    const { message, fileName } = await composer.build(request);
    return { message: bytesToBase64(message), fileName };
  };
