import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { applyKernel } from './apply-kernel';

export interface VariableEmaOptions {
  /** Column to smooth. */
  input: string;
  /** Column holding each bar's alpha, in [0, 1]. */
  alpha: string;
  /** Output column. Default `vema_<input>`. */
  output?: string;
}

/**
 * EMA with a per-bar alpha, per security (see `variableEmaKernel`): the building block of
 * adaptive averages such as Kaufman's KAMA (alpha from the efficiency ratio) or volatility-scaled
 * smoothing. An alpha outside [0, 1] is an error naming the security and how many bars.
 */
export async function variableEma(frame: pl.DataFrame | pl.LazyFrame, options: VariableEmaOptions): Promise<pl.DataFrame> {
  const output = options.output ?? `vema_${options.input}`;
  return applyKernel(frame, {
    inputs: [options.input, options.alpha],
    output,
    kernel: ([x, alpha], [y], security) => {
      const bad = variableEmaKernel(x, alpha, y);
      if (bad > 0) {
        throw new QuantbookError('BAD_PARAMETER', `column '${options.alpha}' has ${bad} alpha value(s) outside [0, 1] for security '${security}'`, 'clip alpha to [0, 1] (e.g. pl.col(alpha).clip(0, 1)) before smoothing');
      }
    },
  });
}

/**
 * y[t] = alpha[t] * x[t] + (1 - alpha[t]) * y[t-1], seeded with the first bar where x and alpha
 * are both present (y = x there, whatever alpha). A bar with NaN x or NaN alpha gives NaN and
 * leaves the state unchanged. alpha = 1 follows x, alpha = 0 holds the previous value.
 * Returns the number of alphas outside [0, 1] (those bars are NaN and skipped).
 */
export function variableEmaKernel(x: Float64Array, alpha: Float64Array, out: Float64Array): number {
  let y = NaN;
  let bad = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    const a = alpha[t];
    if (v !== v || a !== a) {
      out[t] = NaN;
      continue;
    }
    if (a < 0 || a > 1) {
      bad++;
      out[t] = NaN;
      continue;
    }
    y = y !== y ? v : a * v + (1 - a) * y;
    out[t] = y;
  }
  return bad;
}
