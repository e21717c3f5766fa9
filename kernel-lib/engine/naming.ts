import { createHash } from 'node:crypto';

/**
 * `StrategyName_AssetClass_TimeFrame_Hash` (docs/engine.md, "Saved files"):
 * - StrategyName: the strategy name in PascalCase (sma_cross -> SmaCross), so '_' only
 *   separates the four parts;
 * - AssetClass: given, or guessed: 'Multi' for several securities, 'FX' for a six-letter pair of
 *   ISO currency codes (EURUSD), else 'Equity';
 * - TimeFrame: the inferred bar frequency ('1d', '1h', ...);
 * - Hash: the first 10 hex digits of the run's content hash (strategy, version, params, data
 *   hash, cost model, execution, weights, period): the same inputs give the same name.
 */
export function resultFileStem(strategyName: string, assetClass: string, timeFrame: string, contentHash: string): string {
  return [pascalCase(strategyName), pascalCase(assetClass), timeFrame, contentHash.slice(0, 10)].join('_');
}

export function pascalCase(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => (w.toUpperCase() === w && w.length <= 3 ? w : w[0].toUpperCase() + w.slice(1))).join('') || 'Unnamed';
}

const CURRENCIES = new Set(['USD', 'EUR', 'JPY', 'GBP', 'CHF', 'AUD', 'NZD', 'CAD', 'SEK', 'NOK', 'DKK', 'HKD', 'SGD', 'CNH', 'CNY', 'MXN', 'ZAR', 'TRY', 'PLN', 'HUF', 'CZK', 'KRW', 'INR', 'BRL', 'XAU', 'XAG']);

export function guessAssetClass(securities: string[]): string {
  if (securities.length > 1) return 'Multi';
  const s = securities[0]?.toUpperCase().replace(/[^A-Z]/g, '') ?? '';
  if (s.length === 6 && CURRENCIES.has(s.slice(0, 3)) && CURRENCIES.has(s.slice(3))) return 'FX';
  return 'Equity';
}

/** sha256 hex of a canonical JSON value (object keys sorted). */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
