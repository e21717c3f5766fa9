import type { DataIdentity } from '../engine/result';
import { RunHistory, type RunInput } from '../tracking/run-history';
import type { DataRef } from '../tracking/run-record';
import { stringOption, type Command, type ParsedArgs } from './command';

/** Every analysis command leaves its run in the history unless told not to. */
export const RECORD_OPTIONS: Command['options'] = {
  runs: { type: 'string' },
  'no-record': { type: 'boolean' },
};

export const RECORD_USAGE = '[--runs DIR] [--no-record]';

/** The history the command records into (--runs, else env QUANTBOOK_RUNS, else the workspace's), or undefined with --no-record. */
export function historyOption(args: ParsedArgs): RunHistory | undefined {
  return args.values['no-record'] === true ? undefined : new RunHistory({ root: stringOption(args, 'runs') });
}

/** Records the run unless --no-record; returns its id for the command to print. */
export async function recordCommandRun(args: ParsedArgs, input: RunInput): Promise<string | undefined> {
  const history = historyOption(args);
  return history ? (await history.record(input)).run_id : undefined;
}

export function dataRef(identity: Pick<DataIdentity, 'snapshot_id' | 'content_hash' | 'source'>): DataRef {
  return { snapshot_id: identity.snapshot_id, content_hash: identity.content_hash, ...(identity.source && { name: identity.source }) };
}

/** The line the text output ends with. */
export function recordedLine(runId: string | undefined): string {
  return runId ? `recorded run: ${runId} (quantbook history show ${runId})` : 'not recorded (--no-record)';
}
