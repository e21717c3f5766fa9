import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dayToIso, toSecurityArrays, type SecurityArrays } from './bridge';

/**
 * A path-dependent computation over one security's arrays: read `inputs` (views of that
 * security's rows, in time order, nulls as NaN), write `outputs` (pre-filled with NaN). Use plain
 * loops and allocate nothing per bar: V8 compiles such a function much as numba would.
 */
export type SecurityKernel = (inputs: Float64Array[], outputs: Float64Array[], security: string) => void;

export interface ApplyKernelOptions {
  /** Numeric columns handed to the kernel (cast to Float64; null -> NaN). */
  inputs: string[];
  /** Name(s) of the new column(s); one Float64Array per name is handed to the kernel. */
  output: string | string[];
  kernel: SecurityKernel;
  /** Keep NaN in the outputs instead of turning it into null (default false: NaN -> null). */
  keepNaN?: boolean;
  securityColumn?: string;
  timeColumn?: string;
}

/**
 * Runs a typed-array kernel once per security and returns the frame (collected, sorted by
 * security then time) with the kernel's output column(s) added: one trip out of polars and
 * back. Outputs are Float64; NaN becomes null unless `keepNaN`.
 *
 * @example A "bars since the close last rose" counter, a state machine no expression can write:
 *   const out = await applyKernel(panel, {
 *     inputs: ['close'], output: 'bars_since_up',
 *     kernel: ([close], [count]) => {
 *       let n = NaN;
 *       for (let t = 1; t < close.length; t++) {
 *         n = close[t] > close[t - 1] ? 0 : n + 1;
 *         count[t] = n;
 *       }
 *     },
 *   });
 */
export async function applyKernel(frame: pl.DataFrame | pl.LazyFrame, options: ApplyKernelOptions): Promise<pl.DataFrame> {
  const sec = options.securityColumn ?? 'security_id';
  const time = options.timeColumn ?? 'date';
  const outputs = typeof options.output === 'string' ? [options.output] : options.output;
  if (outputs.length === 0 || outputs.some((o) => typeof o !== 'string' || o === '')) {
    throw new QuantbookError('BAD_PARAMETER', "parameter 'output' must name at least one new column", "e.g. output: 'stop_level'");
  }
  if (typeof options.kernel !== 'function') {
    throw new QuantbookError('BAD_PARAMETER', "parameter 'kernel' must be a function (inputs, outputs, security) => void");
  }
  const lazy = 'collectSync' in frame ? (frame as pl.LazyFrame) : (frame as pl.DataFrame).lazy();
  // Collected once; the bridge re-sorts the same keys, which is the same order once keys are unique.
  const df = await lazy.sort({ by: [sec, time], maintainOrder: true }).collect();
  const arrays = await toSecurityArrays(df, { columns: options.inputs, securityColumn: sec, timeColumn: time });
  requireUniqueTimes(arrays, sec, time);
  const existing = outputs.filter((o) => df.columns.includes(o));
  if (existing.length > 0) {
    throw new QuantbookError('BAD_PARAMETER', `output column(s) ${existing.map((o) => `'${o}'`).join(', ')} already exist in the frame`, 'choose new names or drop the old columns first');
  }
  const values = runPerSecurity(arrays, options.inputs, outputs.length, options.kernel);
  const series = outputs.map((name, k) => pl.Series(name, values[k]));
  const withOutputs = df.hstack(pl.DataFrame(series));
  if (options.keepNaN) return withOutputs;
  return withOutputs.withColumns(...outputs.map((o) => pl.col(o).fillNan(pl.lit(null))));
}

/** The per-security loop behind applyKernel, over arrays already out of polars. */
export function runPerSecurity(arrays: SecurityArrays, inputs: string[], outputCount: number, kernel: SecurityKernel): Float64Array[] {
  const columns = inputs.map((c) => {
    const col = arrays.columns[c];
    if (!col) throw new QuantbookError('MISSING_COLUMN', `kernel input '${c}' was not moved out of polars`, `list '${c}' in toSecurityArrays({columns})`);
    return col;
  });
  const outs = Array.from({ length: outputCount }, () => new Float64Array(arrays.rowCount).fill(NaN));
  for (let g = 0; g < arrays.securities.length; g++) {
    const a = arrays.offsets[g];
    const b = arrays.offsets[g + 1];
    try {
      kernel(columns.map((c) => c.subarray(a, b)), outs.map((o) => o.subarray(a, b)), arrays.securities[g]);
    } catch (e) {
      if (e instanceof QuantbookError) throw e;
      throw new QuantbookError('KERNEL_FAILED', `kernel failed on security '${arrays.securities[g]}': ${(e as Error)?.message ?? String(e)}`, 'fix the kernel function; inputs are Float64Arrays with NaN for nulls');
    }
  }
  return outs;
}

/** Kernels see a time series per security: a repeated timestamp would make the rows ambiguous. */
function requireUniqueTimes(arrays: SecurityArrays, sec: string, time: string): void {
  for (let g = 0; g < arrays.securities.length; g++) {
    for (let i = arrays.offsets[g] + 1; i < arrays.offsets[g + 1]; i++) {
      if (arrays.time[i] === arrays.time[i - 1]) {
        const when = arrays.timeUnit === 'day' ? dayToIso(arrays.time[i]) : new Date(arrays.time[i]).toISOString();
        throw new QuantbookError('DUPLICATE_KEY', `${sec} '${arrays.securities[g]}' has more than one row at ${time} ${when}`, `make (${sec}, ${time}) unique before running a kernel, e.g. keep the last row per key`);
      }
    }
  }
}
