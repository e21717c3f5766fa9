import pl from 'nodejs-polars';
import type { ResearchResult } from './analyze';
import { calendarSeries } from './panel';

/**
 * The per-date series behind a ResearchResult as long polars frames (one row per date and
 * signal, and horizon / quantile where they apply). Undefined values are null.
 */

/** date, signal, horizon, ic, names (used names that date). */
export function icFrame(result: ResearchResult): pl.DataFrame {
  const { daily } = result;
  const parts = daily.signals.flatMap((signal, s) =>
    daily.horizons.map((horizon, h) =>
      frame(result, signal, [
        pl.Series('horizon', new Int32Array(daily.calendar.length).fill(horizon)),
        nullable('ic', daily.pass.signals[s].ic[h]),
        pl.Series('names', daily.pass.signals[s].used),
      ]),
    ),
  );
  return pl.concat(parts);
}

/** date, signal, horizon, quantile (1 = lowest), mean_return, demeaned_return, names. */
export function quantileFrame(result: ResearchResult): pl.DataFrame {
  const { daily } = result;
  const k = daily.quantiles;
  const T = daily.calendar.length;
  const parts: pl.DataFrame[] = [];
  daily.signals.forEach((signal, s) => {
    const pass = daily.pass.signals[s];
    daily.horizons.forEach((horizon, h) => {
      for (let b = 0; b < k; b++) {
        const mean = new Float64Array(T);
        const demeaned = new Float64Array(T);
        const names = new Int32Array(T);
        for (let t = 0; t < T; t++) {
          mean[t] = pass.bucketMean[h][t * k + b];
          demeaned[t] = mean[t] - pass.dateMean[h][t];
          names[t] = pass.bucketCount[t * k + b];
        }
        parts.push(frame(result, signal, [
          pl.Series('horizon', new Int32Array(T).fill(horizon)),
          pl.Series('quantile', new Int32Array(T).fill(b + 1)),
          nullable('mean_return', mean),
          nullable('demeaned_return', demeaned),
          pl.Series('names', names),
        ]));
      }
    });
  });
  return parts.length ? pl.concat(parts) : pl.DataFrame({});
}

/** date, signal, names_with_signal, names_used, names_with_forward. */
export function coverageFrame(result: ResearchResult): pl.DataFrame {
  const { daily } = result;
  return pl.concat(daily.signals.map((signal, s) =>
    frame(result, signal, [
      pl.Series('names_with_signal', daily.pass.signals[s].finite),
      pl.Series('names_used', daily.pass.signals[s].used),
      pl.Series('names_with_forward', daily.pass.forwardRows),
    ]),
  ));
}

/** date and signal columns, then `columns`. */
function frame(result: ResearchResult, signal: string, columns: pl.Series[]): pl.DataFrame {
  const date = calendarSeries(result.daily, 'date');
  return pl.DataFrame([date, pl.Series('signal', new Array<string>(date.length).fill(signal), pl.Utf8), ...columns]);
}

/** A Float64 column whose NaN (undefined statistic) becomes null. */
function nullable(name: string, values: Float64Array): pl.Series {
  return pl.DataFrame([pl.Series(name, values)]).select(pl.col(name).fillNan(pl.lit(null))).getColumn(name);
}
