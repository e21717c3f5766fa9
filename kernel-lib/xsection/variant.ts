import { longShortKernel, longShortOutputs, Residualize, type LongShortInputs, type LongShortOutputs } from '../kernels/xsection-longshort';
import type { XsectionConfig } from './config';
import type { XsPanel } from './panel';

/**
 * One variant of the backtest over typed arrays only (no polars): what the suite's worker
 * threads run. `signal` is the lag-0 aligned matrix; the variant's lag is applied as a row
 * offset (lag counts calendar bars, exactly as alignSignal's lag does).
 */
export interface VariantArrays {
  overall: LongShortOutputs;
  /** Within-bucket portfolios for small, mid, large (undefined when cap buckets are unavailable). */
  cap: (LongShortOutputs | undefined)[];
}

/** The panel fields a variant reads (all SharedArrayBuffer-backed, so they cross to workers for free). */
export type VariantPanel = Pick<
  XsPanel,
  'calendar' | 'securities' | 'tradableClose' | 'fwdClose' | 'tradableOpen' | 'fwdOpen' | 'groups' | 'groupLabels' | 'sizeProxy' | 'capBucket' | 'costBps' | 'factors' | 'unavailable'
>;

export function runVariant(panel: VariantPanel, signal: Float64Array, config: XsectionConfig, slices: { cap: boolean }, lagOffset = config.lag): VariantArrays {
  const inputs = variantInputs(panel, signal, config);
  const params = {
    lag: lagOffset,
    residualize: Residualize[config.residualize],
    weightBySignal: config.weight === 'signal',
    bottom: config.fractile[0] / 100,
    top: (100 - config.fractile[1]) / 100,
    mincos: config.mincos,
    naiveBps: config.costBps,
    useCostMatrix: config.tcModel === 'spread',
    buckets: config.fractileBuckets,
    capSlices: slices.cap && !panel.unavailable.cap,
  };
  const T = panel.calendar.length;
  const outs = Array.from({ length: params.capSlices ? 4 : 1 }, () => longShortOutputs(T, config.fractileBuckets));
  longShortKernel(inputs, params, outs);
  const overall = outs[0];
  const cap: (LongShortOutputs | undefined)[] = params.capSlices ? outs.slice(1) : [undefined, undefined, undefined];
  return { overall, cap };
}

function variantInputs(panel: VariantPanel, signal: Float64Array, config: XsectionConfig): LongShortInputs {
  const tradable = config.fromOpen ? panel.tradableOpen : panel.tradableClose;
  const fwd = config.fromOpen ? panel.fwdOpen : panel.fwdClose;
  if (!tradable || !fwd) throw new Error('fromOpen variant on a panel built without open prices');
  const factors = config.residualize === 'factor' || config.residualize === 'all' ? config.factors.map((f) => panel.factors[f]) : [];
  if (factors.some((f) => !f)) throw new Error(`risk factor missing from the panel: ${config.factors.join(', ')}`);
  return {
    dates: panel.calendar.length,
    securities: panel.securities.length,
    signal,
    tradable,
    fwd,
    groups: panel.groups,
    groupCount: panel.groupLabels.length,
    cap: panel.capBucket,
    size: panel.sizeProxy,
    costBps: panel.costBps,
    factors,
  };
}
