import { QuantbookError } from '../errors';
import type { Strategy } from './define';

/**
 * Parameters from text such as `fast=20,slow=50,allowShort=true` (the CLI's --params), typed
 * by the strategy's schema: numbers for integer/number parameters, true/false for booleans,
 * text otherwise. Range and cross-field checks happen in strategy.parseParams.
 */
export function parseParamsText(strategy: Strategy<any>, text: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (text === undefined || text.trim() === '') return out;
  const properties = (strategy.describeParams().schema.properties ?? {}) as Record<string, { type?: string }>;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (eq < 0 || name === '') {
      throw new QuantbookError('BAD_PARAMETER', `--params: '${part.trim()}' is not name=value`, `pass e.g. --params ${example(properties)}`);
    }
    if (name in out) throw new QuantbookError('BAD_PARAMETER', `--params: parameter '${name}' is given twice`);
    const raw = part.slice(eq + 1).trim();
    const type = properties[name]?.type;
    if (type === 'integer' || type === 'number') {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) {
        throw new QuantbookError('BAD_PARAMETER', `strategy '${strategy.name}': parameter '${name}' must be a number, got '${raw}'`, `pass e.g. ${name}=20`);
      }
      out[name] = value;
    } else if (type === 'boolean') {
      const lower = raw.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) out[name] = true;
      else if (['false', '0', 'no', 'off'].includes(lower)) out[name] = false;
      else throw new QuantbookError('BAD_PARAMETER', `strategy '${strategy.name}': parameter '${name}' must be true or false, got '${raw}'`);
    } else {
      out[name] = raw;
    }
  }
  return out;
}

function example(properties: Record<string, { type?: string }>): string {
  const names = Object.keys(properties).slice(0, 2);
  return names.length ? names.map((n, i) => `${n}=${(i + 1) * 10}`).join(',') : 'name=value';
}
