import type { Handler } from '../handler';
import type { BackgroundServices } from '../services';

export const indicatorGet = ({ indicator }: BackgroundServices): Handler<'indicator/get'> => () => indicator.get();
