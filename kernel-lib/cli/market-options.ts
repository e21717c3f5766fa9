import { nonNegativeOption, numberOption, type Command, type ParsedArgs } from './command';

/** Where backtest, optimize and wfa read prices from, and which strategy they run. */
export const MARKET_OPTIONS: Command['options'] = {
  data: { type: 'string' },
  catalog: { type: 'string' },
  symbol: { type: 'string' },
  strategy: { type: 'string' },
};

/** The cost and timing options the three strategy commands share. */
export const COST_OPTIONS: Command['options'] = {
  'fee-bps': { type: 'string' },
  'slippage-bps': { type: 'string' },
  lag: { type: 'string' },
  'periods-per-year': { type: 'string' },
};

/** The search options optimize and wfa share. */
export const SEARCH_OPTIONS: Command['options'] = {
  grid: { type: 'string' },
  random: { type: 'string' },
  seed: { type: 'string' },
  objective: { type: 'string' },
  minimize: { type: 'boolean' },
  threads: { type: 'string' },
  'no-fast-path': { type: 'boolean' },
  'strategy-module': { type: 'string' },
  out: { type: 'string' },
};

export function costArgs(args: ParsedArgs): { feeBps?: number; slippageBps?: number; lag?: number; periodsPerYear?: number } {
  return {
    feeBps: nonNegativeOption(args, 'fee-bps'),
    slippageBps: nonNegativeOption(args, 'slippage-bps'),
    lag: numberOption(args, 'lag'),
    periodsPerYear: numberOption(args, 'periods-per-year'),
  };
}
