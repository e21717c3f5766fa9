import { meanCrossSectionalSpearman, type MeanSpearman } from '../kernels/xsection-correlation';
import type { LongShortOutputs } from '../kernels/xsection-longshort';
import { priceRatioKernel } from '../kernels/xsection-price-ratio';
import { capTercileKernel, trailingMedianKernel } from '../kernels/xsection-size';
import type { PendingSize } from '../xsection/panel';
import type { XsectionConfig } from '../xsection/config';
import { runVariant, runVariants, type VariantArrays, type VariantPanel } from '../xsection/variant';

/**
 * The units of work of a suite, runnable on the main thread or on a worker (no polars here:
 * workers start fast). The shared state is the panel and the lag-0 signal matrices, all
 * SharedArrayBuffer-backed, sent to each worker once.
 */
export interface SharedSuiteData {
  panel: VariantPanel;
  /** Lag-0 aligned signal matrices by key ('signal', 'baseline:momentum_12_1', ...). */
  signals: Record<string, Float64Array>;
  /** A size proxy still to compute into panel.sizeProxy / panel.capBucket (XsPanel.pendingSize). */
  size?: PendingSize;
  /** The close matrix and the price-row cells (XsPanel.close / priceCells), for 'price-ratio' jobs. */
  prices?: { close: Float64Array; cells: Uint8Array };
}

/**
 * 'size-median': the trailing median dollar volume of securities [from, to) into
 * panel.sizeProxy; 'cap-tercile': the cap buckets of dates [from, to) into panel.capBucket,
 * once every size-median job is done. Both write disjoint parts of shared matrices, so the
 * parts run on several threads at once; variants run only after both.
 */
export type SuiteJob =
  | { kind: 'variant'; signal: string; config: XsectionConfig; cap: boolean }
  /** Configs that differ only in lag (sameButLag), run together: results in config order. */
  | { kind: 'variants'; signal: string; configs: XsectionConfig[]; cap: boolean }
  | { kind: 'spearman'; a: string; b: string; minCount: number }
  /** A built-in baseline on the close matrix (suite/baselines.ts priceRatioPlan) into the shared matrix `into`. */
  | { kind: 'price-ratio'; into: string; numeratorBack: number; denominatorBack: number; negate: boolean }
  | { kind: 'size-median'; from: number; to: number }
  | { kind: 'cap-tercile'; from: number; to: number };

export type SuiteJobResult =
  | { kind: 'variant'; arrays: VariantArrays }
  | { kind: 'variants'; arrays: VariantArrays[] }
  | { kind: 'spearman'; value: MeanSpearman }
  | { kind: 'price-ratio'; values: number; lastDate: number }
  | { kind: 'size' };

export function executeJob(data: SharedSuiteData, job: SuiteJob): SuiteJobResult {
  if (job.kind === 'size-median' || job.kind === 'cap-tercile') {
    const { panel, size } = data;
    if (!size) throw new Error('suite job: no size proxy to compute');
    const T = panel.calendar.length;
    const N = panel.securities.length;
    if (job.kind === 'size-median') trailingMedianKernel(size.dollarVolume, T, N, size.window, size.minPeriods, panel.sizeProxy, job.from, job.to);
    else capTercileKernel(panel.sizeProxy, T, N, panel.capBucket, job.from, job.to);
    return { kind: 'size' };
  }
  if (job.kind === 'price-ratio') {
    const out = data.signals[job.into];
    if (!out || !data.prices) throw new Error(`suite job: no matrix '${job.into}' or no close prices for a price-ratio baseline`);
    out.fill(NaN);
    const counted = priceRatioKernel(data.prices.close, data.prices.cells, data.panel.calendar.length, data.panel.securities.length, job.numeratorBack, job.denominatorBack, job.negate, out);
    return { kind: 'price-ratio', values: counted.values, lastDate: counted.lastDate };
  }
  if (job.kind === 'variant' || job.kind === 'variants') {
    const signal = data.signals[job.signal];
    if (!signal) throw new Error(`suite job: unknown signal '${job.signal}'`);
    if (job.kind === 'variants') return { kind: 'variants', arrays: runVariants(data.panel, signal, job.configs, { cap: job.cap }) };
    return { kind: 'variant', arrays: runVariant(data.panel, signal, job.config, { cap: job.cap }) };
  }
  const a = data.signals[job.a];
  const b = data.signals[job.b];
  if (!a || !b) throw new Error(`suite job: unknown signal '${!a ? job.a : job.b}'`);
  return { kind: 'spearman', value: meanCrossSectionalSpearman(a, b, data.panel.calendar.length, data.panel.securities.length, job.minCount) };
}

/** The ArrayBuffers of a result, to transfer (not copy) back from a worker. */
export function transferables(result: SuiteJobResult): ArrayBuffer[] {
  if (result.kind !== 'variant' && result.kind !== 'variants') return [];
  const all = result.kind === 'variant' ? [result.arrays] : result.arrays;
  const runs = all.flatMap((a) => [a.overall, ...a.cap]).filter((r): r is LongShortOutputs => r !== undefined);
  const buffers: ArrayBuffer[] = [];
  for (const run of runs) {
    for (const value of Object.values(run)) {
      if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.push(value.buffer);
    }
  }
  return buffers;
}
