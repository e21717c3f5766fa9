import pl from 'nodejs-polars';
import { QuantbookError, isQuantbookError } from '../errors';
import type { SnapshotLike } from '../contract/context';
import { parseXsectionConfig, variantName, type XsectionConfig, type XsectionConfigInput } from './config';
import { contractStep, type ContractStep } from './contract-step';
import { buildXsPanel, type XsPanel } from './panel';
import { assembleResult, type XsectionResult } from './result';
import { laggedOutRows } from './signal-matrix';
import { runVariant, type VariantArrays } from './variant';

/**
 * Where the backtest gets its market data: a catalog Snapshot (prices, groups, calendar), or
 * plain frames (a long price panel, optional group labels and calendar).
 */
export type XsectionData =
  | (SnapshotLike & { groups?(): pl.LazyFrame })
  | { prices: pl.DataFrame | pl.LazyFrame; groups?: pl.DataFrame | pl.LazyFrame; calendar?: pl.DataFrame; risk?: pl.DataFrame | pl.LazyFrame };

export interface XsectionOptions {
  /** date, security_id + risk factor / cost columns, for residualize 'factor' and tcModel 'spread'. */
  risk?: pl.DataFrame | pl.LazyFrame;
  /** Run validateSignal first (needs a snapshot). Default true. */
  validate?: boolean;
  file?: string;
}

/**
 * The cross-sectional long-short backtest of one signal under one config (docs/xsection.md):
 * the signal goes through the contract (validate, align at lag 0), the market data into dense
 * matrices, the portfolio is formed per date by the typed-array kernel, and the result comes
 * back as polars frames (summary, daily series, fractiles, coverage) plus diagnostics.
 */
export async function xsectionBacktest(signal: pl.DataFrame | pl.LazyFrame, data: XsectionData, configInput: XsectionConfigInput = {}, options: XsectionOptions = {}): Promise<XsectionResult> {
  const config = parseXsectionConfig(configInput);
  const { panel, calendar, snapshot } = await loadPanel(data, [config], options.risk);
  requireAvailable(panel, config);
  const step = await contractStep(signal, { snapshot, calendar, panel, validate: options.validate ?? snapshot !== undefined, file: options.file });
  return variantResult(panel, step, config, runVariant(panel, step.matrix.values, config, { cap: true }));
}

/** One variant's result from its arrays: the rows the lag pushes past the last date join the contract's drops. */
export function variantResult(panel: XsPanel, step: Pick<ContractStep, 'matrix' | 'rows'>, config: XsectionConfig, arrays: VariantArrays): XsectionResult {
  const lagged = laggedOutRows(step.matrix.values, panel.calendar.length, panel.securities.length, config.lag);
  return assembleResult({
    panel,
    signal: step.matrix.values,
    lagOffset: config.lag,
    config,
    arrays,
    name: variantName(config),
    signalRows: { input: step.rows.input, dropped: { ...step.rows.dropped, ...(lagged ? { last_date_no_return: lagged } : {}) } },
  });
}

/** Builds the dense panel for a set of configs (open prices, factors and cost columns only when some config needs them). */
export async function loadPanel(
  data: XsectionData,
  configs: XsectionConfig[],
  risk?: pl.DataFrame | pl.LazyFrame,
  extra: { deferSize?: boolean } = {},
): Promise<{ panel: XsPanel; calendar: pl.DataFrame; snapshot?: SnapshotLike }> {
  const fromOpen = configs.some((c) => c.fromOpen);
  const factors = [...new Set(configs.filter((c) => c.residualize === 'factor' || c.residualize === 'all').flatMap((c) => c.factors))];
  const spread = configs.find((c) => c.tcModel === 'spread');
  const groupColumn = configs[0]?.groupColumn ?? 'sector';
  if ('manifest' in data) {
    const snapshot = data;
    const calendar = await snapshot.calendar();
    const panel = await buildXsPanel(snapshotPrices(snapshot, ['close', ...(fromOpen ? ['open'] : [])]), {
      calendar,
      groups: snapshot.groups?.(),
      groupColumn,
      fromOpen,
      factors,
      costColumn: spread?.costColumn,
      risk,
      // signals are validated (and baselines computed) on the snapshot's prices: the panel has read them already
      priceKeys: true,
      deferSize: extra.deferSize,
    });
    return { panel, calendar, snapshot };
  }
  const panel = await buildXsPanel(data.prices, { calendar: data.calendar, groups: data.groups, groupColumn, fromOpen, factors, costColumn: spread?.costColumn, risk: risk ?? data.risk, deferSize: extra.deferSize });
  const calendar = pl.DataFrame([pl.Series('date', panel.calendar).cast(pl.Date)]);
  return { panel, calendar };
}

/** close (+ open) and volume when the snapshot has it: without volume there is no size proxy (reported, not fatal). */
function snapshotPrices(snapshot: SnapshotLike, columns: string[]): pl.LazyFrame {
  try {
    return snapshot.prices({ columns: [...columns, 'volume'] });
  } catch (e) {
    if (!isQuantbookError(e)) throw e;
    return snapshot.prices({ columns });
  }
}

export function requireAvailable(panel: XsPanel, config: XsectionConfig): void {
  if ((config.residualize === 'industry' || config.residualize === 'all') && panel.unavailable.industry) {
    throw new QuantbookError('GROUPS_UNAVAILABLE', `residualize '${config.residualize}' needs group labels: ${panel.unavailable.industry}`, `pass groups with a '${config.groupColumn}' column, set groupColumn, or use residualize 'off'`);
  }
}
