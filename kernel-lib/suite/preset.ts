import { z } from 'zod';
import { QuantbookError } from '../errors';
import { parseXsectionConfig, type XsectionConfig, type XsectionConfigInput } from '../xsection/config';

/**
 * A suite preset: the config matrix (lags x residualization modes, every other option from
 * `base`) and the slices to report. 'standard' is seed 002's STANDARD_SUITE: lags 0, 1, 2 x
 * residualize off / industry = 6 backtests, slices overall / year / cap.
 */
export const suitePresetSchema = z
  .object({
    name: z.string().min(1),
    lags: z.array(z.number().int().min(0).max(250)).min(1),
    residualize: z.array(z.enum(['off', 'industry', 'factor', 'all'])).min(1),
    slices: z.array(z.enum(['overall', 'year', 'cap'])).default(['overall', 'year', 'cap']),
    /** Options shared by every variant (costs, fractile, weight, ...), see xsection config. */
    base: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type SuitePreset = z.output<typeof suitePresetSchema>;
export type SuitePresetInput = z.input<typeof suitePresetSchema>;

export const PRESETS: Record<string, SuitePresetInput> = {
  standard: { name: 'standard', lags: [0, 1, 2], residualize: ['off', 'industry'], slices: ['overall', 'year', 'cap'] },
  /** Two variants for a first look (lag 0 and 1, no residualization). */
  quick: { name: 'quick', lags: [0, 1], residualize: ['off'], slices: ['overall', 'year', 'cap'] },
};

export function resolvePreset(preset: string | SuitePresetInput = 'standard'): SuitePreset {
  const input = typeof preset === 'string' ? PRESETS[preset] : preset;
  if (!input) {
    throw new QuantbookError('BAD_PARAMETER', `unknown suite preset '${preset}'`, `use one of: ${Object.keys(PRESETS).join(', ')}, or pass a preset object`);
  }
  const parsed = suitePresetSchema.safeParse(input);
  if (!parsed.success) {
    throw new QuantbookError('BAD_PARAMETER', `suite preset: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'see docs/suite.md "Presets"');
  }
  return parsed.data;
}

/** The preset's variant configs, lag-major (lag 0 off, lag 0 industry, lag 1 off, ...). */
export function presetConfigs(preset: SuitePreset): XsectionConfig[] {
  const configs: XsectionConfig[] = [];
  for (const lag of preset.lags) {
    for (const residualize of preset.residualize) {
      configs.push(parseXsectionConfig({ ...(preset.base as XsectionConfigInput), lag, residualize }));
    }
  }
  return configs;
}
