import { z } from 'zod';
import { QuantbookError } from '../errors';

/**
 * Configuration of one cross-sectional long-short backtest. Every default is documented in
 * docs/xsection.md; the field names follow seed 002 module 3.
 */
export const xsectionConfigSchema = z
  .object({
    /** Extra trading bars between the first tradeable bar after date_avail and the trade. */
    lag: z.number().int().min(0).max(250).default(0),
    /** 'industry' demeans the signal within its group per date; 'factor' takes OLS residuals on `factors`; 'all' does both. */
    residualize: z.enum(['off', 'industry', 'factor', 'all']).default('off'),
    /** 'equal' weights within each leg, or 'signal': proportional to |signal - cross-sectional median|. */
    weight: z.enum(['equal', 'signal']).default('equal'),
    /** [bottom, top] percentiles: short the securities ranked at or below `bottom`%, long those above `top`%. */
    fractile: z.tuple([z.number().gt(0).lt(100), z.number().gt(0).lt(100)]).default([10, 90]),
    /** 'naive': `costBps` per unit of turnover; 'spread': bps per unit from `costColumn` (naive rate where a cell is missing). */
    tcModel: z.enum(['naive', 'spread']).default('naive'),
    /** Cost in basis points per unit of turnover (1 unit = one dollar traded per dollar of capital). */
    costBps: z.number().min(0).max(10_000).default(10),
    /** Column of per-security, per-date cost in bps for tcModel 'spread'. */
    costColumn: z.string().min(1).default('spread_bps'),
    /** Trade at the next open (returns open-to-open) instead of the close (close-to-close). */
    fromOpen: z.boolean().default(false),
    /** Minimum eligible securities on a date; fewer and the date is skipped (flat book, counted). */
    mincos: z.number().int().min(1).default(10),
    /** Risk factor columns for residualize 'factor' / 'all' (columns of the risk frame, or 'size'). */
    factors: z.array(z.string().min(1)).default([]),
    /** Group label column for residualize 'industry' / 'all'. */
    groupColumn: z.string().min(1).default('sector'),
    /** Buckets of the fractile analysis (monotonicity check). */
    fractileBuckets: z.number().int().min(2).max(100).default(10),
    /** Periods per year for annualization. */
    periodsPerYear: z.number().positive().default(252),
  })
  .strict()
  .refine((c) => c.fractile[0] < c.fractile[1], { message: 'fractile must be [bottom, top] with bottom < top', path: ['fractile'] })
  .refine((c) => (c.residualize !== 'factor' || c.factors.length > 0), {
    message: "residualize 'factor' needs at least one risk factor column in `factors`",
    path: ['factors'],
  });

export type XsectionConfig = z.output<typeof xsectionConfigSchema>;
export type XsectionConfigInput = z.input<typeof xsectionConfigSchema>;

/** Parses a config, turning zod issues into one QuantbookError that names each bad field. */
export function parseXsectionConfig(input: XsectionConfigInput = {}): XsectionConfig {
  const parsed = xsectionConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new QuantbookError(
      'BAD_PARAMETER',
      `cross-sectional backtest config: ${problems.join('; ')}`,
      'see docs/xsection.md for every option and its default',
      { issues: parsed.error.issues },
    );
  }
  return parsed.data;
}

/** Short stable name of a variant, e.g. 'lag1_industry' (plus non-default options). */
export function variantName(c: XsectionConfig): string {
  let name = `lag${c.lag}_${c.residualize === 'off' ? 'raw' : c.residualize}`;
  if (c.weight !== 'equal') name += `_w${c.weight}`;
  if (c.fromOpen) name += '_open';
  if (c.fractile[0] !== 10 || c.fractile[1] !== 90) name += `_f${c.fractile[0]}-${c.fractile[1]}`;
  if (c.tcModel !== 'naive') name += `_${c.tcModel}`;
  return name;
}
