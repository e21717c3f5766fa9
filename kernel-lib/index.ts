/**
 * Quantbook's public research API: `import * as qb from 'quantbook'`.
 * Everything not exported here is internal.
 */
export { QuantbookError, isQuantbookError } from './errors';
export * from './plot/chart';
export { renderSvg, chartMimeBundle } from './plot/render';
