import type pl from 'nodejs-polars';
import { prepareSignal, type PreparedSignal } from './prepare';
import { toSignalArrays, type SignalArrays } from './signal-arrays';

/**
 * A signal read once for several contract calls: the prepared (canonical) frame and its key
 * columns as typed arrays. validateSignal and alignSignal accept it in place of the table, so
 * validating and then aligning at lags 0, 1, 2 reads and keys the rows once instead of once
 * per call (on a 15M-row signal each read costs seconds). Build it with `signalKeys`; treat it
 * as immutable.
 */
export interface SignalKeys {
  readonly kind: 'signal-keys';
  readonly prepared: PreparedSignal;
  /** null when the frame cannot be used (a required column missing or unreadable: `prepared.problems` say why). */
  readonly arrays: SignalArrays | null;
}

/** Prepares the signal (dtypes, problems) and keys its rows; `file` names it in parse errors. */
export async function signalKeys(signal: pl.DataFrame | pl.LazyDataFrame | SignalKeys, file?: string): Promise<SignalKeys> {
  if (isSignalKeys(signal)) return signal;
  const prepared = await prepareSignal(signal, file);
  const arrays = prepared.frame ? await toSignalArrays(prepared.frame) : null;
  return { kind: 'signal-keys', prepared, arrays };
}

export function isSignalKeys(x: unknown): x is SignalKeys {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'signal-keys';
}
