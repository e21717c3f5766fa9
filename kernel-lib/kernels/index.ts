/**
 * Typed-array kernels: path-dependent logic and hot loops over one security's arrays, and the
 * friendly frame-level wrappers that run them per security through the bridge.
 */
export { applyKernel, runPerSecurity, type ApplyKernelOptions, type SecurityKernel } from './apply-kernel';
export { trailingStop, trailingStopKernel, type TrailingStopOptions, type TrailingStopParams } from './trailing-stop';
export { superTrend, superTrendKernel, type SuperTrendOptions } from './super-trend';
export { variableEma, variableEmaKernel, type VariableEmaOptions } from './variable-ema';
export { smaArray, emaArray, rollingStdArray, decimalScale } from './rolling';
export { trueRangeArray, wilderAtrArray, wilderRsiArray } from './wilder';
