import { longShortKernel, longShortKernelLags, longShortOutputs, Residualize, type LongShortInputs, type LongShortOutputs } from '../kernels/xsection-longshort';
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
  const params = kernelParams(panel, config, slices, lagOffset);
  const T = panel.calendar.length;
  const outs = Array.from({ length: params.capSlices ? 4 : 1 }, () => longShortOutputs(T, config.fractileBuckets));
  longShortKernel(inputs, params, outs);
  return variantArrays(outs, params.capSlices);
}

/**
 * Variants of one signal that differ only in their lag, run together (longShortKernelLags:
 * a signal row is ranked once for all of them); each result equals runVariant's.
 */
export function runVariants(panel: VariantPanel, signal: Float64Array, configs: XsectionConfig[], slices: { cap: boolean }): VariantArrays[] {
  if (configs.length === 0) return [];
  const inputs = variantInputs(panel, signal, configs[0]);
  const params = configs.map((c) => kernelParams(panel, c, slices, c.lag));
  const T = panel.calendar.length;
  const outs = params.map((p, k) => Array.from({ length: p.capSlices ? 4 : 1 }, () => longShortOutputs(T, configs[k].fractileBuckets)));
  longShortKernelLags(inputs, params, outs);
  return outs.map((o, k) => variantArrays(o, params[k].capSlices));
}

/** The config with its lag left out: variants with equal keys can run together (runVariants). */
export function sameButLag(config: XsectionConfig): string {
  const { lag: _lag, ...rest } = config;
  return JSON.stringify(rest);
}

function variantArrays(outs: LongShortOutputs[], capSlices: boolean): VariantArrays {
  return { overall: outs[0], cap: capSlices ? outs.slice(1) : [undefined, undefined, undefined] };
}

function kernelParams(panel: VariantPanel, config: XsectionConfig, slices: { cap: boolean }, lagOffset: number) {
  return {
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
