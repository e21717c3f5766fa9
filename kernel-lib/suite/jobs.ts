import { meanCrossSectionalSpearman, type MeanSpearman } from '../kernels/xsection-correlation';
import type { LongShortOutputs } from '../kernels/xsection-longshort';
import type { XsectionConfig } from '../xsection/config';
import { runVariant, type VariantArrays, type VariantPanel } from '../xsection/variant';

/**
 * The units of work of a suite, runnable on the main thread or on a worker (no polars here:
 * workers start fast). The shared state is the panel and the lag-0 signal matrices, all
 * SharedArrayBuffer-backed, sent to each worker once.
 */
export interface SharedSuiteData {
  panel: VariantPanel;
  /** Lag-0 aligned signal matrices by key ('signal', 'baseline:momentum_12_1', ...). */
  signals: Record<string, Float64Array>;
}

export type SuiteJob =
  | { kind: 'variant'; signal: string; config: XsectionConfig; cap: boolean }
  | { kind: 'spearman'; a: string; b: string; minCount: number };

export type SuiteJobResult = { kind: 'variant'; arrays: VariantArrays } | { kind: 'spearman'; value: MeanSpearman };

export function executeJob(data: SharedSuiteData, job: SuiteJob): SuiteJobResult {
  if (job.kind === 'variant') {
    const signal = data.signals[job.signal];
    if (!signal) throw new Error(`suite job: unknown signal '${job.signal}'`);
    return { kind: 'variant', arrays: runVariant(data.panel, signal, job.config, { cap: job.cap }) };
  }
  const a = data.signals[job.a];
  const b = data.signals[job.b];
  if (!a || !b) throw new Error(`suite job: unknown signal '${!a ? job.a : job.b}'`);
  return { kind: 'spearman', value: meanCrossSectionalSpearman(a, b, data.panel.calendar.length, data.panel.securities.length, job.minCount) };
}

/** The ArrayBuffers of a result, to transfer (not copy) back from a worker. */
export function transferables(result: SuiteJobResult): ArrayBuffer[] {
  if (result.kind !== 'variant') return [];
  const runs = [result.arrays.overall, ...result.arrays.cap].filter((r): r is LongShortOutputs => r !== undefined);
  const buffers: ArrayBuffer[] = [];
  for (const run of runs) {
    for (const value of Object.values(run)) {
      if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.push(value.buffer);
    }
  }
  return buffers;
}
