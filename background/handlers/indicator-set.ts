import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const indicatorSet = ({ indicator }: BackgroundServices): Handler<'indicator/set'> => (req) => indicator.set(req);
