// `flowc/status`, flowc's own request: how many documents are open and the server's heap (after a
// collection, when node runs with --expose-gc). The benchmark reads memory through it.
import type { DocumentStore } from "./documents";

export const STATUS_METHOD = "flowc/status";

export interface ServerStatus {
  documents: number;
  heapUsedBytes: number;
}

export function status(store: DocumentStore): ServerStatus {
  (globalThis as { gc?: () => void }).gc?.();
  return { documents: store.uris().length, heapUsedBytes: process.memoryUsage().heapUsed };
}
