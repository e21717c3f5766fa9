import type { DataRef } from './run-record';

/**
 * Provenance events: what a process recorded and which data it read. The notebook kernel
 * host listens to them to fill a report's reproducibility footer.
 *
 * The listener list lives on `globalThis` under a registered symbol because one process can
 * hold two copies of this module (the kernel host's bundle and the `quantbook` bundle that
 * the notebook imports); both must speak to the same listeners.
 */
export type QuantbookEvent =
  | { type: 'run-recorded'; run_id: string; kind: string; name: string; data: DataRef[]; root: string; ms: number }
  | { type: 'data-used'; snapshot_id: string; content_hash: string; name?: string };

type Listener = (event: QuantbookEvent) => void;

const KEY = Symbol.for('quantbook.events.v1');

function listeners(): Set<Listener> {
  const g = globalThis as unknown as Record<symbol, Set<Listener> | undefined>;
  return (g[KEY] ??= new Set<Listener>());
}

/** Subscribes; returns the function that unsubscribes. */
export function onQuantbookEvent(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function emitQuantbookEvent(event: QuantbookEvent): void {
  for (const listener of listeners()) {
    try {
      listener(event);
    } catch {
      // a broken listener must not fail the run that is being recorded
    }
  }
}

/**
 * Notes that data from a snapshot was read. The data catalog calls this when a snapshot is
 * opened so reports can name every snapshot a notebook touched, recorded runs or not.
 */
export function noteDataUsed(data: DataRef): void {
  emitQuantbookEvent({ type: 'data-used', snapshot_id: data.snapshot_id, content_hash: data.content_hash, ...(data.name !== undefined && { name: data.name }) });
}
