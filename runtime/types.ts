// The shapes shared by the executor, providers, deciders and stores.
import type { Decimal } from "./credits";
import type { GraphNode } from "./graph";

/**
 * One item of a stream. Ids are deterministic (`shots#3`, `previews#3.v2`, `draft#3@r1`) so a
 * resumed run meets the same items and makes the same decisions.
 */
export interface Item {
  id: string;
  /** lineage key: the input index, plus `.vN` for each variant step (`3`, `3.v2`) */
  key: string;
  value: unknown;
  /** content hash: what the cache key is made of */
  hash: string;
  metrics: Record<string, number>;
  /** retry round inside a gate's retry chain (0 elsewhere) */
  round: number;
  /** credits spent on this item's lineage so far */
  cost: Decimal;
  /** the variants one call produced for one item (what a select chooses among) */
  group?: { id: string; size: number; index: number };
  /** inside a retry chain: the item that entered the chain's first node, sent again on a retry */
  origin?: Item;
}

/** What a provider is asked to do: one attempt of one call. */
export interface CallRequest {
  runId: string;
  flow: string;
  node: GraphNode;
  /** `3` for an item, `b2` for a batch, `0` for a node without arguments */
  callId: string;
  round: number;
  /** 1-based */
  attempt: number;
  /** run/node/call/round/attempt: lets a real service drop a duplicate submission */
  idempotencyKey: string;
  items: { id: string; key: string; value: unknown; hash: string }[];
  named: Record<string, { id: string; value: unknown; hash: string }>;
  variants: number;
}

export interface ProviderOutput {
  value: unknown;
  metrics: Record<string, number>;
  /** content hash, when the provider knows it cheaply; else the runtime hashes the value */
  hash?: string;
}

/** Outputs are item-major: for each item, `variants` outputs. */
export type CallOutcome = { ok: true; outputs: ProviderOutput[] } | CallFailure;

export interface CallFailure {
  ok: false;
  /** what went wrong, for people; never holds a secret (providers scrub what they echo) */
  error: string;
  /** short and countable ("HTTP 500", "connection refused"); default: the error up to its first colon */
  cause?: string;
  /** false: the request never reached the provider (refused connection, unknown host, a request that could not be built): not charged */
  reached?: boolean;
  /** the provider asked to wait this long before the next attempt (Retry-After) */
  retryAfterMs?: number;
}

/**
 * `interrupted` is never written by a run: `runs` and `report` show it for a record left `running`
 * by a process that is gone (killed, a full disk, a lost Redis), with the spend its journal holds.
 */
export type RunStatus = "running" | "completed" | "paused" | "awaiting-review" | "failed" | "interrupted";

export interface PendingDecision {
  stream: string;
  kind: "review" | "select";
  itemId: string;
  /** for a select: the variant ids to choose among */
  variants?: string[];
  pick?: number;
  /** what a person decides on: the review's item, or the select's variants (in variant order) */
  items?: PendingItem[];
  /** recorded (`flowc review`, the web app) and applied when the run resumes */
  decision?: "approve" | "reject" | string[];
}

/** One item awaiting a person's decision, as the record keeps it for `flowc review` and `flowc ui`. */
export interface PendingItem {
  id: string;
  /** the provider's output value, when its JSON is short (a URL, a path, a caption) */
  value?: unknown;
  metrics: Record<string, number>;
  /** credits spent on the item's lineage so far */
  cost: string;
  /** a picture of the item (from the provider, or its value when that is an image or video) */
  media?: ItemMedia;
}

/** `path` is relative to the run's folder (a file the run stored); `url` is http(s) or data:. */
export type ItemMedia = { kind: "image" | "video" | "audio"; path: string } | { kind: "image" | "video" | "audio"; url: string };

/** Progress and outcome events, for the CLI's renderers (`onEvent`). */
export type RunEvent =
  | { type: "run-start"; runId: string; flow: string; cap?: string; spent: string; resumed: boolean; nodes: string[] }
  | { type: "node-start"; node: string }
  | { type: "call-done"; node: string; callId: string; round: number; items: number; attempts: number; credits: string; cached: boolean; ok: boolean; spent: string; cap?: string }
  | { type: "attempt-failed"; node: string; callId: string; attempt: number; error: string; charged: boolean; retryInMs?: number }
  | { type: "item-done"; stream: string; itemId: string; result: "out" | "rejected" | "retried" | "failed" }
  | { type: "node-done"; node: string }
  | { type: "decision-pending"; stream: string; itemId: string }
  | { type: "alert"; spent: string; alert: string }
  | { type: "pause"; reason: "budget" | "review" | "aborted"; spent: string; cap?: string; pending: number }
  | { type: "notify-failed"; channel: string; error: string }
  /** something the run worked around (an unreadable cache entry, a cache it cannot write, no worker taking jobs) */
  | { type: "warning"; code: string; message: string }
  | { type: "run-end"; runId: string; status: RunStatus; spent: string; reason?: string };
