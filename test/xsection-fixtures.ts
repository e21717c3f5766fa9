import pl from 'nodejs-polars';

/**
 * Hand-built panels for the cross-sectional tests: small, seeded, with every price known to
 * the test so expected numbers can be computed by straightforward loops.
 */
export interface TestPanel {
  securities: string[];
  /** Days since 1970-01-01, one per date (weekdays). */
  days: number[];
  /** close[i][t], open[i][t]. */
  close: number[][];
  open: number[][];
  frame: pl.DataFrame;
}

/** A small deterministic generator (mulberry32) so tests never depend on Math.random. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(u() + 1e-12)) * Math.cos(2 * Math.PI * u());
}

export function weekdays(start: string, count: number): number[] {
  const out: number[] = [];
  let day = Math.floor(Date.parse(start + 'T00:00:00Z') / 86_400_000);
  while (out.length < count) {
    const dow = new Date(day * 86_400_000).getUTCDay();
    if (dow !== 0 && dow !== 6) out.push(day);
    day++;
  }
  return out;
}

/**
 * N securities x T weekdays; daily returns r[i][t] from `returns(i, t)` (default: seeded
 * normal, 1.5% vol); open = previous close x (1 + 0.2 x the day's return); volume differs
 * by security so the cap buckets are stable.
 */
export function testPanel(N: number, T: number, options: { seed?: number; returns?: (i: number, t: number) => number; start?: string } = {}): TestPanel {
  const u = rng(options.seed ?? 1);
  const securities = Array.from({ length: N }, (_, i) => `S${String(i).padStart(3, '0')}`);
  const days = weekdays(options.start ?? '2019-01-07', T);
  const close: number[][] = [];
  const open: number[][] = [];
  const sec: string[] = [];
  const date: number[] = [];
  const c: number[] = [];
  const o: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < N; i++) {
    close.push([]);
    open.push([]);
    let p = 20 + i;
    for (let t = 0; t < T; t++) {
      const r = t === 0 ? 0 : options.returns ? options.returns(i, t) : 0.015 * normal(u);
      const prev = p;
      p = prev * (1 + r);
      const op = t === 0 ? p : prev * (1 + 0.2 * r);
      close[i].push(p);
      open[i].push(op);
      sec.push(securities[i]);
      date.push(days[t]);
      c.push(p);
      o.push(op);
      v.push(1000 * (i + 1));
    }
  }
  const frame = pl.DataFrame([
    pl.Series('date', Int32Array.from(date)).cast(pl.Date),
    pl.Series('security_id', sec),
    pl.Series('open', Float64Array.from(o)),
    pl.Series('high', Float64Array.from(c, (x, k) => Math.max(x, o[k]))),
    pl.Series('low', Float64Array.from(c, (x, k) => Math.min(x, o[k]))),
    pl.Series('close', Float64Array.from(c)),
    pl.Series('volume', Float64Array.from(v)),
  ]);
  return { securities, days, close, open, frame };
}

/** A contract-format signal table from a function of (security index, date index); NaN leaves the row out. */
export function signalTable(p: TestPanel, value: (i: number, t: number) => number, options: { availDelay?: number } = {}): pl.DataFrame {
  const sec: string[] = [];
  const sig: number[] = [];
  const avail: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < p.securities.length; i++) {
    for (let t = 0; t < p.days.length; t++) {
      const x = value(i, t);
      if (!Number.isFinite(x)) continue;
      sec.push(p.securities[i]);
      sig.push(p.days[t]);
      avail.push(p.days[t] + (options.availDelay ?? 0));
      s.push(x);
    }
  }
  return pl.DataFrame([
    pl.Series('security_id', sec),
    pl.Series('date_sig', Int32Array.from(sig)).cast(pl.Date),
    pl.Series('date_avail', Int32Array.from(avail)).cast(pl.Date),
    pl.Series('signal', Float64Array.from(s)),
  ]);
}

export function groupsFrame(p: TestPanel, groupOf: (i: number) => string): pl.DataFrame {
  return pl.DataFrame({ security_id: p.securities, sector: p.securities.map((_, i) => groupOf(i)) });
}

export function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function sharpeOf(x: number[]): number {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return (m / sd) * Math.sqrt(252);
}
