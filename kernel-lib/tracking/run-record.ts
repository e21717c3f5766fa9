import { z } from 'zod';

/**
 * run.json, version 1. Bump RUN_SCHEMA_VERSION on any incompatible change and keep a reader
 * for the old versions: a history outlives the code that wrote it.
 */
export const RUN_SCHEMA_VERSION = 1;

export const RUN_KINDS = ['research', 'backtest', 'optimize', 'wfa', 'suite', 'notebook', 'xsection', 'portfolio', 'sim', 'other'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const ARTIFACT_TYPES = ['parquet', 'svg', 'html', 'json', 'text', 'chart', 'binary'] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export const artifactEntrySchema = z.object({
  name: z.string().min(1),
  /** File name inside the run folder. A chart has two: `<name>.chart.json` (this) and `<name>.svg`. */
  file: z.string().min(1),
  type: z.enum(ARTIFACT_TYPES),
  bytes: z.number().int().nonnegative(),
});
/** One file of a run folder (docs/history.md lists the types). */
export interface ArtifactEntry {
  name: string;
  file: string;
  type: ArtifactType;
  bytes: number;
}

export const dataRefSchema = z.object({
  snapshot_id: z.string().min(1),
  content_hash: z.string().min(1),
  name: z.string().optional(),
});
/** The data snapshot a run read: `snapshot.manifest` has both fields. */
export interface DataRef {
  snapshot_id: string;
  content_hash: string;
  name?: string;
}

export const runRecordSchema = z.object({
  schema_version: z.literal(RUN_SCHEMA_VERSION),
  run_id: z.string().regex(/^\d{8}-\d{6}-\d{3}-[0-9a-f]{8}$/),
  kind: z.string().min(1),
  name: z.string().min(1),
  created_at: z.iso.datetime(),
  author: z.string(),
  workspace: z.object({ git_sha: z.string().nullable(), git_dirty: z.boolean().nullable() }),
  versions: z.object({ quantbook: z.string(), node: z.string(), polars: z.string() }).catchall(z.string()),
  data: z.array(dataRefSchema),
  signal: z.string().optional(),
  strategy: z.string().optional(),
  tags: z.array(z.string()),
  params: z.record(z.string(), jsonValue),
  /** Non-finite numbers (NaN, +-Infinity) are stored as null: JSON has no NaN. */
  metrics: z.record(z.string(), z.number().nullable()),
  duration_ms: z.number().nonnegative().optional(),
  notes: z.string().optional(),
  artifacts: z.array(artifactEntrySchema),
});

/**
 * run.json. Written out as an interface (not z.infer) so that declarations of notebook
 * variables holding a run name it plainly, without reaching into zod's internals.
 */
export interface RunRecord {
  schema_version: typeof RUN_SCHEMA_VERSION;
  run_id: string;
  kind: string;
  name: string;
  /** ISO 8601 UTC. */
  created_at: string;
  author: string;
  workspace: { git_sha: string | null; git_dirty: boolean | null };
  versions: { quantbook: string; node: string; polars: string; [other: string]: string };
  data: DataRef[];
  signal?: string;
  strategy?: string;
  tags: string[];
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
  duration_ms?: number;
  notes?: string;
  artifacts: ArtifactEntry[];
}

// the schema and the interfaces describe the same object
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _runRecordMatches: Same<z.infer<typeof runRecordSchema>, RunRecord> = true;
const _artifactMatches: Same<z.infer<typeof artifactEntrySchema>, ArtifactEntry> = true;
const _dataRefMatches: Same<z.infer<typeof dataRefSchema>, DataRef> = true;
void _runRecordMatches;
void _artifactMatches;
void _dataRefMatches;
