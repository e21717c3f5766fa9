import { cpus } from 'node:os';

/**
 * A tiny benchmark harness. Each bench file runs in its own process (bench/run.mjs), so the
 * peak RSS it reports belongs to that file's cases alone (it is the process's high-water
 * mark, so list the heaviest case last or read it as "up to").
 */
export interface BenchOptions {
  /** Items processed per run (rows, bars, pairs) for the throughput column. */
  items?: number;
  unit?: string;
  /** Timed repetitions after one untimed warm-up; the best is reported. */
  runs?: number;
  warmup?: boolean;
  /** Target in milliseconds, printed beside the result. */
  targetMs?: number;
}

export interface BenchResult {
  name: string;
  bestMs: number;
  medianMs: number;
  throughput?: string;
  peakRssMb: number;
  targetMs?: number;
}

export async function bench(name: string, fn: () => unknown | Promise<unknown>, options: BenchOptions = {}): Promise<BenchResult> {
  const runs = options.runs ?? 3;
  if (options.warmup !== false) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const bestMs = times[0];
  const result: BenchResult = {
    name,
    bestMs,
    medianMs: times[Math.floor(times.length / 2)],
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    targetMs: options.targetMs,
  };
  if (options.items) result.throughput = `${formatRate(options.items / (bestMs / 1000))} ${options.unit ?? 'items'}/s`;
  report(result);
  return result;
}

function formatRate(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)}G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(1);
}

function report(r: BenchResult): void {
  const target = r.targetMs === undefined ? '' : `  target < ${r.targetMs} ms ${r.bestMs < r.targetMs ? 'MET' : 'MISSED'}`;
  console.log(
    `${r.name.padEnd(58)} best ${r.bestMs.toFixed(1).padStart(9)} ms  median ${r.medianMs.toFixed(1).padStart(9)} ms` +
      `${r.throughput ? `  ${r.throughput.padStart(16)}` : ''}  peak RSS ${r.peakRssMb.toFixed(0)} MB${target}`,
  );
}

export function machine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
}
