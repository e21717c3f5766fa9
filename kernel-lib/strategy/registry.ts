import { QuantbookError } from '../errors';
import { donchianBreakout, rsiReversion, smaCross } from './builtins';
import type { Strategy } from './define';

/** Strategies by name, for the CLI and the extension. The built-ins are always present. */
const registry = new Map<string, Strategy<any>>();
for (const s of [smaCross, rsiReversion, donchianBreakout]) registry.set(s.name, s);

/** Adds (or, with replace, overrides) a strategy under its name. */
export function registerStrategy(strategy: Strategy<any>, options: { replace?: boolean } = {}): void {
  if (registry.has(strategy.name) && !options.replace) {
    throw new QuantbookError('DUPLICATE_STRATEGY', `a strategy named '${strategy.name}' is already registered`, 'pick another name or pass {replace: true}');
  }
  registry.set(strategy.name, strategy);
}

export function getStrategy(name: string): Strategy<any> {
  const strategy = registry.get(name);
  if (!strategy) {
    throw new QuantbookError('UNKNOWN_STRATEGY', `no strategy named '${name}'`, `known strategies: ${[...registry.keys()].join(', ')}`);
  }
  return strategy;
}

export function listStrategies(): Strategy<any>[] {
  return [...registry.values()];
}
