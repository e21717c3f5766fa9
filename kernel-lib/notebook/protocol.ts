/**
 * Messages between a KernelClient and its kernel host process (Node IPC, JSON). One host
 * runs one notebook; executions are serialized by the client, so every host message that
 * belongs to a cell carries that execution's `id`.
 */
import type { QuantbookEvent } from '../tracking/events';

/** MIME type -> content. JSON types (`application/*+json`) hold objects, not strings. */
export type MimeBundle = Record<string, unknown>;

export interface KernelVersions {
  quantbook: string;
  node: string;
  polars: string;
  tslab: string;
  typescript: string;
}

export type ClientMessage =
  | { type: 'execute'; id: string; code: string; cellIndex?: number }
  | { type: 'interrupt' }
  | { type: 'shutdown' };

export interface StreamOutput {
  type: 'stream';
  name: 'stdout' | 'stderr';
  text: string;
}
export interface DisplayOutput {
  type: 'display';
  data: MimeBundle;
}
/** The value of the cell's last expression (Jupyter's execute_result). */
export interface ResultOutput {
  type: 'result';
  data: MimeBundle;
}
export interface ErrorOutput {
  type: 'error';
  /** Error class name: 'TypeError', 'QuantbookError', 'CompileError', 'Interrupted', 'KernelDied', ... */
  ename: string;
  evalue: string;
  /** 1-based line in the cell's source where the error was raised, when it can be told. */
  line?: number;
  traceback: string[];
}
/** What a cell produces, in order. */
export type KernelOutput = StreamOutput | DisplayOutput | ResultOutput | ErrorOutput;

export interface DoneMessage {
  type: 'done';
  id: string;
  ok: boolean;
  executionCount: number;
  ms: number;
}

export type HostMessage =
  | { type: 'ready'; versions: KernelVersions }
  | ({ id: string } & KernelOutput)
  | DoneMessage
  /** Provenance seen while a cell ran: runs recorded, data snapshots read. */
  | { type: 'event'; id: string | null; event: QuantbookEvent };
