/**
 * Indicators as polars expressions computed per security (`.over('security_id')` inside): use
 * them in `frame.withColumns(...)`. Conventions and exact formulas: docs/indicators.md.
 */
export { sma } from './sma';
export { ema, emaAlpha, type EmaSmoothing, type EmaOptions } from './ema';
export { rsi } from './rsi';
export { macd, type MacdOptions, type MacdExprs } from './macd';
export { atr, trueRange, type OhlcColumns } from './atr';
export { bollinger, type BollingerOptions, type BollingerExprs } from './bollinger';
export { rollingVolatility, type RollingVolatilityOptions } from './rolling-volatility';
export { zscore } from './zscore';
export { roc } from './roc';
export { rollingMax } from './rolling-max';
export { rollingMin } from './rolling-min';
export { donchian, type DonchianOptions, type DonchianExprs } from './donchian';
export { exactRollingMean, exactRollingSum } from './exact-rolling-sum';
export { SECURITY_COLUMN, type Input } from './parameters';
