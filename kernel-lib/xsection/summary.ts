import { Metric, metricsBuffer, returnMetricsKernel } from '../kernels/metrics';
import { DayStatus, type LongShortOutputs } from '../kernels/xsection-longshort';

/**
 * Performance of one slice of a long-short run (docs/xsection.md, "Summary table").
 * Returns are daily portfolio returns per dollar of capital (long leg +1, short leg -1).
 */
export interface SliceSummary {
  /** 'overall' | 'year' | 'cap'. */
  slice_type: string;
  /** 'all', a year such as '2015', or a cap bucket ('small' | 'mid' | 'large'). */
  slice: string;
  /** Active dates in the slice (traded or skipped inside the active span). */
  days: number;
  /** Dates actually traded (not skipped). */
  traded_days: number;
  /** mean(daily gross) x periods per year (arithmetic). */
  ann_return_gross: number;
  ann_return_net: number;
  /** std(daily net, ddof 1) x sqrt(periods per year). */
  ann_vol_net: number;
  /** mean / std (ddof 1) x sqrt(periods per year) of daily gross / net returns (empyrical). */
  sharpe_gross: number;
  sharpe_net: number;
  /** Worst peak-to-trough loss of the compounded net equity (starting at 1), as a negative fraction. */
  max_drawdown_net: number;
  /** Mean daily turnover: sum |w[t] - w[t-1]| over securities, per dollar of capital. */
  turnover: number;
  /** Share of traded dates with net return > 0. */
  hit_rate: number;
  /** sum(cost) / sum(gross) when sum(gross) > 0, else NaN. */
  cost_share: number;
}

export const CAP_BUCKET_NAMES = ['small', 'mid', 'large'] as const;

/**
 * Summary of the dates t with select(t) among the active ones. `select` defaults to all.
 */
export function summarizeSlice(
  out: Pick<LongShortOutputs, 'gross' | 'cost' | 'net' | 'turnover' | 'status'>,
  sliceType: string,
  slice: string,
  periodsPerYear: number,
  select: (t: number) => boolean = () => true,
): SliceSummary {
  const T = out.status.length;
  const keep: number[] = [];
  for (let t = 0; t < T; t++) if (out.status[t] !== DayStatus.inactive && select(t)) keep.push(t);
  const n = keep.length;
  const gross = new Float64Array(n);
  const net = new Float64Array(n);
  let turnover = 0;
  let costSum = 0;
  let grossSum = 0;
  let traded = 0;
  let wins = 0;
  keep.forEach((t, k) => {
    gross[k] = out.gross[t];
    net[k] = out.net[t];
    turnover += out.turnover[t];
    costSum += out.cost[t];
    grossSum += out.gross[t];
    if (out.status[t] === DayStatus.traded) {
      traded++;
      if (out.net[t] > 0) wins++;
    }
  });
  const mGross = metricsBuffer();
  const mNet = metricsBuffer();
  if (n > 0) {
    returnMetricsKernel(gross, periodsPerYear, mGross);
    returnMetricsKernel(net, periodsPerYear, mNet);
  }
  const mean = (a: Float64Array) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : NaN);
  return {
    slice_type: sliceType,
    slice,
    days: n,
    traded_days: traded,
    ann_return_gross: mean(gross) * periodsPerYear,
    ann_return_net: mean(net) * periodsPerYear,
    ann_vol_net: mNet[Metric.annual_volatility],
    sharpe_gross: finiteOrNaN(mGross[Metric.sharpe]),
    sharpe_net: finiteOrNaN(mNet[Metric.sharpe]),
    max_drawdown_net: mNet[Metric.max_drawdown],
    turnover: n ? turnover / n : NaN,
    hit_rate: traded ? wins / traded : NaN,
    cost_share: grossSum > 0 ? costSum / grossSum : NaN,
  };
}

/** A Sharpe of +-Infinity (zero variance) is reported as NaN: it is not a number to rank by. */
function finiteOrNaN(x: number): number {
  return Number.isFinite(x) ? x : NaN;
}

/** UTC calendar year of a day number. */
export function yearOfDay(day: number): number {
  return new Date(day * 86_400_000).getUTCFullYear();
}

/**
 * Overall, per calendar year (of the trade date), and per cap bucket (each bucket's own
 * within-bucket portfolio, when given).
 */
export function summaryRows(
  overall: LongShortOutputs,
  calendar: Int32Array,
  periodsPerYear: number,
  capRuns?: (LongShortOutputs | undefined)[],
): SliceSummary[] {
  const rows = [summarizeSlice(overall, 'overall', 'all', periodsPerYear)];
  const years = new Set<number>();
  for (let t = 0; t < calendar.length; t++) if (overall.status[t] !== DayStatus.inactive) years.add(yearOfDay(calendar[t]));
  for (const y of [...years].sort((a, b) => a - b)) {
    rows.push(summarizeSlice(overall, 'year', String(y), periodsPerYear, (t) => yearOfDay(calendar[t]) === y));
  }
  capRuns?.forEach((run, b) => {
    if (run) rows.push(summarizeSlice(run, 'cap', CAP_BUCKET_NAMES[b], periodsPerYear));
  });
  return rows;
}
