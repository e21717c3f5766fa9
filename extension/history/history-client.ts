import type { DamagedRun } from '../../kernel-lib/tracking/run-history';
import type { MetricDiff, ParamDiff } from '../../kernel-lib/tracking/run-compare';
import type { RunRecord } from '../../kernel-lib/tracking/run-record';
import { runCliJson, type CliTarget } from '../cli-process';

export interface HistoryListing {
  root: string;
  runs: RunRecord[];
  damaged: DamagedRun[];
}

export interface StoredRunJson extends RunRecord {
  dir: string;
}

export interface ComparisonJson {
  a: string;
  b: string;
  params: ParamDiff[];
  metrics: MetricDiff[];
  series: { artifact: string; points: number } | null;
}

/**
 * The run history as the `quantbook history` CLI reports it (one code path with the
 * terminal). `root` is the runs folder; undefined means the CLI's default for `cwd`.
 */
export class HistoryClient {
  constructor(
    private readonly cli: CliTarget,
    readonly root: string | undefined,
  ) {}

  list(): Promise<HistoryListing> {
    return runCliJson<HistoryListing>(this.cli, ['history', 'list', ...this.rootArgs()]);
  }

  show(id: string): Promise<StoredRunJson> {
    return runCliJson<StoredRunJson>(this.cli, ['history', 'show', id, ...this.rootArgs()]);
  }

  /** With `svgPath`, the overlaid equity/IC chart is written there when both runs carry one. */
  compare(a: string, b: string, svgPath?: string): Promise<ComparisonJson> {
    return runCliJson<ComparisonJson>(this.cli, ['history', 'compare', a, b, ...this.rootArgs(), ...(svgPath ? ['--svg', svgPath] : [])]);
  }

  async delete(id: string): Promise<string> {
    return (await runCliJson<{ deleted: string }>(this.cli, ['history', 'delete', id, ...this.rootArgs()])).deleted;
  }

  private rootArgs(): string[] {
    return this.root ? ['--runs', this.root] : [];
  }
}
