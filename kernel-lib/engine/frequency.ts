import type { SecurityArrays } from '../kernels/bridge';

export interface Frequency {
  /** '1d', '1w', '1mo', '1q', '1y', '<k>d', or intraday '<k>h' / '<k>m' / '<k>s'. */
  label: string;
  /** Bars per year used to annualize metrics (docs/metrics.md). */
  periodsPerYear: number;
  /** Median spacing between consecutive bars of a security, in milliseconds. */
  medianStepMs: number;
}

const DAY_MS = 86_400_000;
const SAMPLE = 20_000;

/**
 * The bar frequency, from the median step between consecutive bars (within securities):
 * - daily-or-slower steps map to the empyrical factors: 1-4 days (weekends, holidays) -> '1d',
 *   252; 5-10 days -> '1w', 52; 26-35 days -> '1mo', 12; 85-95 -> '1q', 4; 350-380 -> '1y', 1;
 *   anything else -> 365.25 / step days;
 * - intraday steps: bars per year as observed, bars / years spanned (e.g. ~6,200 for hourly
 *   FX that trades 24 hours 5 days a week), because trading hours differ by market.
 */
export function inferFrequency(arrays: Pick<SecurityArrays, 'offsets' | 'time' | 'timeUnit'>): Frequency {
  const scale = arrays.timeUnit === 'day' ? DAY_MS : 1;
  const steps: number[] = [];
  let bars = 0;
  let spanMs = 0;
  const groups = arrays.offsets.length - 1;
  const total = arrays.offsets[groups] - groups;
  const stride = Math.max(1, Math.floor(total / SAMPLE));
  for (let g = 0; g < groups; g++) {
    const a = arrays.offsets[g];
    const b = arrays.offsets[g + 1];
    if (b - a > bars) {
      bars = b - a;
      spanMs = (arrays.time[b - 1] - arrays.time[a]) * scale;
    }
    for (let i = a + 1; i < b; i += stride) steps.push((arrays.time[i] - arrays.time[i - 1]) * scale);
  }
  if (steps.length === 0) return { label: '1d', periodsPerYear: 252, medianStepMs: DAY_MS };
  steps.sort((x, y) => x - y);
  const median = steps[Math.floor((steps.length - 1) / 2)];
  if (median >= DAY_MS) {
    const days = median / DAY_MS;
    if (days <= 4) return { label: '1d', periodsPerYear: 252, medianStepMs: median };
    if (days >= 5 && days <= 10) return { label: '1w', periodsPerYear: 52, medianStepMs: median };
    if (days >= 26 && days <= 35) return { label: '1mo', periodsPerYear: 12, medianStepMs: median };
    if (days >= 85 && days <= 95) return { label: '1q', periodsPerYear: 4, medianStepMs: median };
    if (days >= 350 && days <= 380) return { label: '1y', periodsPerYear: 1, medianStepMs: median };
    return { label: `${Math.round(days)}d`, periodsPerYear: 365.25 / days, medianStepMs: median };
  }
  const years = spanMs / (365.25 * DAY_MS);
  const periodsPerYear = years > 0 ? (bars - 1) / years : 252;
  return { label: intradayLabel(median), periodsPerYear, medianStepMs: median };
}

function intradayLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
