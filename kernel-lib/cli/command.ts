import { parseArgs, type ParseArgsConfig } from 'node:util';
import { QuantbookError } from '../errors';

/** A CLI command: a thin wrapper over the API. `run` returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (e) {
    throw new QuantbookError('BAD_ARGUMENT', `quantbook ${command.name}: ${(e as Error).message}`, `usage: ${command.usage}`);
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function requiredOption(args: ParsedArgs, name: string, usage: string): string {
  const v = stringOption(args, name);
  if (v === undefined) throw new QuantbookError('BAD_ARGUMENT', `missing required option --${name}`, `usage: ${usage}`);
  return v;
}

/** Parses a comma-separated list of numbers, naming the option when one is not a number. */
export function numberListOption(args: ParsedArgs, name: string): number[] | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  return v.split(',').map((s) => {
    const n = Number(s.trim());
    if (s.trim() === '' || !Number.isFinite(n)) {
      throw new QuantbookError('BAD_ARGUMENT', `--${name}: '${s}' is not a number`, `pass a comma-separated list such as --${name} 1,5,10`);
    }
    return n;
  });
}

export function numberOption(args: ParsedArgs, name: string): number | undefined {
  const v = stringOption(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) {
    throw new QuantbookError('BAD_ARGUMENT', `--${name}: '${v}' is not a number`);
  }
  return n;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A cost option in basis points: a number >= 0. */
export function nonNegativeOption(args: ParsedArgs, name: string): number | undefined {
  const value = numberOption(args, name);
  if (value !== undefined && value < 0) {
    throw new QuantbookError('BAD_PARAMETER', `--${name} must be >= 0, got ${value}`, `costs cannot be negative: pass e.g. --${name} 10 (basis points)`);
  }
  return value;
}

/** A whole-number option >= min (threads, bars, counts). */
export function wholeOption(args: ParsedArgs, name: string, min: number): number | undefined {
  const value = numberOption(args, name);
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new QuantbookError('BAD_ARGUMENT', `--${name} must be a whole number >= ${min}, got ${value}`);
  }
  return value;
}
