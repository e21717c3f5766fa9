export { smaCross } from './sma-cross';
export { rsiReversion, rsiReversionKernel } from './rsi-reversion';
export { donchianBreakout, donchianBreakoutKernel } from './donchian-breakout';
