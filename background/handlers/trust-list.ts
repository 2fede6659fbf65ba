import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const trustList = ({ trust }: BackgroundServices): Handler<'trust/list'> => () => trust.view();
