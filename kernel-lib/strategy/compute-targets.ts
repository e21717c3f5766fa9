import pl from 'nodejs-polars';
import { QuantbookError, isQuantbookError } from '../errors';
import { fromSecurityArrays, perSecurity, toSecurityArrays, type SecurityArrays } from '../kernels/bridge';
import { isTargetKernel, type Strategy } from './define';

export interface StrategyArraysOptions {
  /** Price columns to carry into the arrays (the engine needs 'close'; 'open' for next-open fills). */
  prices?: string[];
  /** Debug mode: also return the full feature frame. */
  debug?: boolean;
}

export interface StrategyArrays {
  /** Grouped by security: the prices, `target` and `signal` (and, in debug mode, every feature). */
  arrays: SecurityArrays;
  /** Feature column names, in the order they were added. */
  featureNames: string[];
  /** Debug mode only: security_id, date, prices, every feature, signal, target. */
  features?: pl.DataFrame;
}

const RESERVED = ['target', 'signal', 'security_id', 'date'];

/**
 * The strategy's target (and signal) for every bar, in one trip out of polars: the features
 * are added to the lazy panel in order, the target expression (if any) is evaluated there,
 * then the needed columns move into typed arrays once; a target kernel then runs per security
 * over those arrays. Nulls become NaN (= no position). Params must already be parsed.
 */
export async function strategyArrays<P extends Record<string, unknown>>(
  strategy: Strategy<P>,
  params: P,
  panel: pl.DataFrame | pl.LazyDataFrame,
  options: StrategyArraysOptions = {},
): Promise<StrategyArrays> {
  const prices = options.prices ?? ['close'];
  let lazy = 'collectSync' in panel ? (panel as pl.LazyDataFrame) : (panel as pl.DataFrame).lazy();
  const features = strategy.features(params);
  const featureNames = Object.keys(features);
  for (const name of featureNames) {
    if (RESERVED.includes(name) || prices.includes(name)) {
      throw new QuantbookError('BAD_STRATEGY', `strategy '${strategy.name}' names a feature '${name}', which is reserved`, `rename it (reserved: ${[...RESERVED, ...prices].join(', ')})`);
    }
    lazy = lazy.withColumns(features[name].alias(name));
  }
  const target = strategy.target(params);
  const kernel = isTargetKernel(target) ? target : undefined;
  if (!kernel) lazy = lazy.withColumns((target as pl.Expr).cast(pl.Float64).alias('target'));
  const signal = strategy.signal?.(params);
  if (signal) lazy = lazy.withColumns(signal.cast(pl.Float64).alias('signal'));

  const wanted = new Set<string>([...prices]);
  if (kernel) for (const c of kernel.inputs) wanted.add(c);
  else wanted.add('target');
  if (signal) wanted.add('signal');
  if (options.debug) for (const c of featureNames) wanted.add(c);

  let arrays: SecurityArrays;
  try {
    arrays = await toSecurityArrays(lazy, { columns: [...wanted] });
  } catch (e) {
    if (isQuantbookError(e)) throw e;
    throw new QuantbookError('STRATEGY_FAILED', `strategy '${strategy.name}' could not compute its features: ${firstLine(e)}`, 'check that the panel has the columns the strategy reads (close, and e.g. high/low)');
  }
  if (kernel) {
    try {
      arrays.columns.target = perSecurity(arrays, kernel.inputs, (inputs, out) => kernel.run(inputs, out, params));
    } catch (e) {
      if (isQuantbookError(e)) throw e;
      throw new QuantbookError('STRATEGY_FAILED', `strategy '${strategy.name}': its target kernel failed: ${firstLine(e)}`);
    }
  }
  if (!signal) arrays.columns.signal = arrays.columns.target;
  const result: StrategyArrays = { arrays, featureNames };
  if (options.debug) {
    const cols: Record<string, Float64Array> = {};
    for (const c of [...prices, ...featureNames, 'signal', 'target']) if (arrays.columns[c]) cols[c] = arrays.columns[c];
    result.features = fromSecurityArrays(arrays, cols);
  }
  return result;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
