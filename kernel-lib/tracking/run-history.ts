import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { QuantbookError } from '../errors';
import { writeArtifact, type ArtifactInput } from './artifacts';
import { emitQuantbookEvent } from './events';
import { compareRuns, type RunComparison } from './run-compare';
import { compileFilter, type RunFilter } from './run-filter';
import { isRunId, newRunId } from './run-id';
import { RUN_SCHEMA_VERSION, runRecordSchema, type DataRef, type RunKind, type RunRecord } from './run-record';
import { runtimeVersions } from './versions';
import { author, findWorkspace, workspaceState } from './workspace-state';

export interface RunInput {
  kind: RunKind | (string & {});
  name: string;
  params?: Record<string, unknown>;
  /** NaN and +-Infinity are stored as null. */
  metrics?: Record<string, number | null | undefined>;
  tags?: string[];
  signal?: string;
  strategy?: string;
  /** The data snapshot(s) the run read: `snapshot.manifest` has both fields. */
  data?: DataRef | DataRef[];
  artifacts?: ArtifactInput[];
  duration_ms?: number;
  notes?: string;
  /** Reuse the id a result already carries (`result.identity.run_id`, made by newRunId) so result and history agree. */
  run_id?: string;
}

export interface HistoryOptions {
  /** Folder holding one sub-folder per run. Default: env QUANTBOOK_RUNS, else `<workspace>/.quantbook/runs`. */
  root?: string;
  /** Where git state is read. Default: env QUANTBOOK_WORKSPACE, else the nearest folder above cwd with `.quantbook` or `.git`. */
  workspace?: string;
}

/** A run folder that could not be read; listings report it and carry on. */
export interface DamagedRun {
  id: string;
  path: string;
  problem: string;
}

export interface RunList {
  /** Newest first. */
  runs: RunRecord[];
  damaged: DamagedRun[];
}

export interface StoredRun extends RunRecord {
  /** Absolute path of the run folder. */
  dir: string;
}

const RUN_FILE = 'run.json';
const TEMP_PREFIX = '.tmp-';
const TRASH_PREFIX = '.trash-';
/** A temp folder older than this is a write that died half-way, not one in progress. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;

/**
 * The local run history: one folder per run (`<root>/<run_id>/run.json` + artifacts).
 * The folders are the only source of truth; there is no index to get out of step.
 *
 * A run is written into a temp folder and renamed into place, so readers never see half a
 * run and concurrent writers (processes included) never touch the same folder.
 */
export class RunHistory {
  readonly root: string;
  readonly workspace: string;

  constructor(options: HistoryOptions | string = {}) {
    const opts = typeof options === 'string' ? { root: options } : options;
    this.workspace = resolve(opts.workspace ?? findWorkspace());
    this.root = resolve(opts.root ?? process.env.QUANTBOOK_RUNS ?? join(this.workspace, '.quantbook', 'runs'));
  }

  async record(input: RunInput): Promise<RunRecord> {
    const started = Date.now();
    checkInput(input);
    const [workspace, who] = await Promise.all([workspaceState(this.workspace, this.root), author(this.workspace)]);
    await mkdir(this.root, { recursive: true });
    const now = new Date();
    if (input.run_id !== undefined && !isRunId(input.run_id)) {
      throw new QuantbookError('BAD_RUN', `run_id '${input.run_id}' is not a Quantbook run id`, 'make ids with newRunId() or leave run_id out');
    }
    const runId = input.run_id ?? newRunId();
    if (existsSync(join(this.root, runId))) {
      throw new QuantbookError('RUN_EXISTS', `run ${runId} is already in ${this.root}`, 'a result is recorded once; leave run_id out to record a new run');
    }
    const temp = join(this.root, `${TEMP_PREFIX}${runId}`);
    await mkdir(temp);
    try {
      const artifacts = [];
      for (const a of input.artifacts ?? []) artifacts.push(await writeArtifact(temp, a));
      const names = new Set<string>();
      for (const a of artifacts) {
        if (names.has(a.name)) throw new QuantbookError('BAD_ARTIFACT_NAME', `two artifacts are named '${a.name}'`, 'give each artifact of a run its own name');
        names.add(a.name);
      }
      const record: RunRecord = runRecordSchema.parse({
        schema_version: RUN_SCHEMA_VERSION,
        run_id: runId,
        kind: input.kind,
        name: input.name,
        created_at: now.toISOString(),
        author: who,
        workspace,
        versions: runtimeVersions(),
        data: input.data === undefined ? [] : Array.isArray(input.data) ? input.data.map(dataRef) : [dataRef(input.data)],
        ...(input.signal !== undefined && { signal: input.signal }),
        ...(input.strategy !== undefined && { strategy: input.strategy }),
        tags: [...new Set(input.tags ?? [])],
        params: toJsonRecord(input.params ?? {}, 'params'),
        metrics: cleanMetrics(input.metrics ?? {}),
        ...(input.duration_ms !== undefined && { duration_ms: input.duration_ms }),
        ...(input.notes !== undefined && { notes: input.notes }),
        artifacts,
      });
      await writeFile(join(temp, RUN_FILE), JSON.stringify(record, null, 2) + '\n');
      await rename(temp, join(this.root, runId));
      emitQuantbookEvent({ type: 'run-recorded', run_id: runId, kind: record.kind, name: record.name, data: record.data, root: this.root, ms: Date.now() - started });
      return record;
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      if (e instanceof z.ZodError) {
        throw new QuantbookError('BAD_RUN', `run '${input.name}' cannot be recorded: ${z.prettifyError(e)}`, 'check the kind, name, metrics and data fields');
      }
      throw e;
    }
  }

  async list(filter: RunFilter = {}): Promise<RunList> {
    const keep = compileFilter(filter);
    const entries = await this.entries();
    const runs: RunRecord[] = [];
    const damaged: DamagedRun[] = [];
    const now = Date.now();
    for (const name of entries) {
      const path = join(this.root, name);
      if (name.startsWith(TRASH_PREFIX)) {
        // a delete that died between rename and removal: finish it
        await rm(path, { recursive: true, force: true }).catch(() => undefined);
        continue;
      }
      if (name.startsWith(TEMP_PREFIX)) {
        const age = now - (await stat(path).then((s) => s.mtimeMs, () => now));
        if (age > ABANDONED_AFTER_MS) damaged.push({ id: name, path, problem: 'an abandoned partial write (the recording process died); delete it' });
        continue;
      }
      if (name.startsWith('.')) continue;
      const read = await readRun(path, name);
      if ('problem' in read) damaged.push(read);
      else if (keep(read)) runs.push(read);
    }
    runs.sort((x, y) => (x.run_id < y.run_id ? 1 : x.run_id > y.run_id ? -1 : 0));
    damaged.sort((x, y) => (x.id < y.id ? 1 : -1));
    return { runs: filter.limit !== undefined ? runs.slice(0, filter.limit) : runs, damaged };
  }

  /** A run by id or unique id prefix (e.g. `20261121-1150`), or 'latest'. */
  async show(id: string): Promise<StoredRun> {
    const name = await this.resolveId(id);
    const dir = join(this.root, name);
    const read = await readRun(dir, name);
    if ('problem' in read) throw new QuantbookError('RUN_DAMAGED', `run ${name} is damaged: ${read.problem}`, `delete it with: quantbook history delete ${name}`);
    return { ...read, dir };
  }

  /** Param and metric differences, plus overlaid equity (or IC) series when both runs carry one. */
  compare(a: string, b: string): Promise<RunComparison> {
    return compareRuns(this, a, b);
  }

  /** Removes a run folder, damaged ones included. */
  async delete(id: string): Promise<string> {
    const name = await this.resolveId(id, true);
    const trash = join(this.root, `${TRASH_PREFIX}${name}-${process.pid}-${Date.now()}`);
    // rename first: listings stop seeing the run at once, even if removal is slow or dies
    await rename(join(this.root, name), trash);
    await rm(trash, { recursive: true, force: true });
    return name;
  }

  artifactPath(run: RunRecord, name: string): string {
    const entry = run.artifacts.find((a) => a.name === name || a.file === name);
    if (!entry) {
      throw new QuantbookError('ARTIFACT_NOT_FOUND', `run ${run.run_id} has no artifact '${name}'`, `its artifacts: ${run.artifacts.map((a) => a.name).join(', ') || 'none'}`);
    }
    return join(this.root, run.run_id, entry.file);
  }

  private async entries(): Promise<string[]> {
    if (!existsSync(this.root)) return [];
    const dirents = await readdir(this.root, { withFileTypes: true });
    return dirents.filter((d) => d.isDirectory()).map((d) => d.name);
  }

  private async resolveId(id: string, allowDamagedOrTemp = false): Promise<string> {
    const entries = (await this.entries()).filter((n) => allowDamagedOrTemp ? !n.startsWith(TRASH_PREFIX) : !n.startsWith('.'));
    if (id === 'latest') {
      const latest = entries.filter(isRunId).sort().pop();
      if (latest) return latest;
      throw new QuantbookError('RUN_NOT_FOUND', `the run history ${this.root} is empty`, 'record a run first');
    }
    if (entries.includes(id)) return id;
    const matches = entries.filter((n) => n.startsWith(id));
    if (matches.length === 1 && id.length > 0) return matches[0];
    if (matches.length > 1) {
      throw new QuantbookError('RUN_AMBIGUOUS', `run id prefix '${id}' matches ${matches.length} runs`, `give more characters: ${matches.slice(0, 3).join(', ')}...`);
    }
    throw new QuantbookError('RUN_NOT_FOUND', `no run '${id}' in ${this.root}`, 'list the runs with: quantbook history list');
  }
}

async function readRun(dir: string, name: string): Promise<RunRecord | DamagedRun> {
  const damaged = (problem: string): DamagedRun => ({ id: name, path: dir, problem });
  let text: string;
  try {
    text = await readFile(join(dir, RUN_FILE), 'utf8');
  } catch {
    return damaged(`no ${RUN_FILE} (an incomplete or foreign folder)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return damaged(`${RUN_FILE} is not valid JSON (${(e as Error).message})`);
  }
  const version = (raw as { schema_version?: unknown })?.schema_version;
  if (typeof version === 'number' && version > RUN_SCHEMA_VERSION) {
    return damaged(`${RUN_FILE} has schema_version ${version}, newer than this Quantbook reads (${RUN_SCHEMA_VERSION}); upgrade Quantbook`);
  }
  const parsed = runRecordSchema.safeParse(raw);
  if (!parsed.success) return damaged(`${RUN_FILE} does not match the schema: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`);
  const run = parsed.data;
  if (run.run_id !== name) return damaged(`folder name differs from run_id ${run.run_id}`);
  for (const a of run.artifacts) {
    if (!existsSync(join(dir, a.file))) return damaged(`artifact file ${a.file} is missing`);
  }
  return run;
}

function checkInput(input: RunInput): void {
  if (!input || typeof input.kind !== 'string' || !input.kind || typeof input.name !== 'string' || !input.name) {
    throw new QuantbookError('BAD_RUN', 'a run needs a kind and a name', "e.g. history.record({kind: 'backtest', name: 'sma_cross', params, metrics})");
  }
}

function dataRef(d: DataRef): DataRef {
  if (!d || typeof d.snapshot_id !== 'string' || typeof d.content_hash !== 'string') {
    throw new QuantbookError('BAD_RUN', `data reference ${JSON.stringify(d)} needs snapshot_id and content_hash`, 'pass snapshot.manifest');
  }
  return { snapshot_id: d.snapshot_id, content_hash: d.content_hash, ...(typeof d.name === 'string' && { name: d.name }) };
}

function cleanMetrics(metrics: Record<string, number | null | undefined>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [key, v] of Object.entries(metrics)) {
    if (v === undefined) continue;
    if (v !== null && typeof v !== 'number') {
      throw new QuantbookError('BAD_METRIC', `metric '${key}' is ${typeof v} (${String(v).slice(0, 40)}), not a number`, 'metrics are numbers; put other values in params or tags');
    }
    out[key] = v === null || !Number.isFinite(v) ? null : v;
  }
  return out;
}

/** Params as plain JSON: Dates become ISO strings, NaN/Infinity null, bigints strings, undefined dropped. */
function toJsonRecord(value: Record<string, unknown>, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'function') return undefined;
      return v;
    });
  } catch (e) {
    throw new QuantbookError('BAD_RUN', `${what} cannot be stored as JSON: ${(e as Error).message}`, 'pass plain values (numbers, strings, arrays, objects)');
  }
  return JSON.parse(text) as Record<string, unknown>;
}
