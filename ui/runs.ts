// The run pages' data, read through the runtime's public functions: the history table, and one
// run with its per-node report, spend over time, events, failures and pending decisions.
import { credits } from "../runtime/credits";
import { type RunHistory, type RunRecord, type RunSummaryRow, report, waitingOn } from "../runtime/index";
import type { DecisionView, ItemView, NodeRow, RunRow, RunView } from "./views";

export function runRow(row: RunSummaryRow, now: number): RunRow {
  const end = row.endedAt ? Date.parse(row.endedAt) : row.status === "running" ? now : undefined;
  return {
    runId: row.runId,
    flow: row.flow,
    status: row.status,
    spent: row.spent,
    ...(row.cap !== undefined ? { cap: row.cap } : {}),
    worstCase: row.worstCase,
    expected: row.expected,
    startedAt: row.startedAt,
    ...(row.endedAt ? { endedAt: row.endedAt } : {}),
    ...(end !== undefined ? { durationSeconds: Math.max(0, Math.round((end - Date.parse(row.startedAt)) / 1000)) } : {}),
    flagged: row.flagged,
    acknowledged: row.acknowledged,
    pending: row.pending,
  };
}

export interface RunExtras {
  resuming: boolean;
  resumeError?: string;
  flowFile?: string;
  /** the URL path under which the run's item files are served */
  filesPath: string;
}

export function runView(history: RunHistory, extras: RunExtras): RunView {
  const record = history.record;
  const summary = report(record);
  const nodes: NodeRow[] = summary.rows.map((r) => ({
    name: r.name,
    ...(r.op ? { op: r.op } : {}),
    calls: r.calls,
    attempts: r.attempts,
    itemsIn: r.itemsIn,
    itemsOut: r.itemsOut,
    failedItems: r.failedItems,
    failedCalls: r.failedCalls,
    failures: r.failures,
    cacheHits: r.cacheHits,
    credits: r.credits,
    share: credits(r.share).times(100).toDecimalPlaces(1).toFixed(1),
  }));
  return {
    runId: record.runId,
    flow: record.flow,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.error ? { error: record.error } : {}),
    spent: record.totals.spent,
    ...(record.cap !== undefined ? { cap: record.cap } : {}),
    ...(record.alert !== undefined ? { alert: record.alert } : {}),
    worstCase: record.totals.worstCase,
    expected: credits(record.totals.expected).toDecimalPlaces(6).toFixed(),
    startedAt: record.startedAt,
    ...(record.endedAt ? { endedAt: record.endedAt } : {}),
    flagged: record.flagged,
    acknowledged: record.acknowledged,
    provider: record.provider,
    seed: record.seed,
    nodes,
    topTwo: summary.topTwo,
    topTwoShare: credits(summary.topTwoShare).times(100).toDecimalPlaces(1).toFixed(1),
    spend: history.spend.map((p) => ({ ...p, y: drawn(p.spent) })),
    caps: record.segments.filter((s) => s.cap !== undefined).map((s) => ({ at: Date.parse(s.startedAt), cap: s.cap!, y: drawn(s.cap!) })),
    ...(record.alert !== undefined ? { alertY: drawn(record.alert) } : {}),
    events: record.events.map((e) => ({ at: e.at, type: e.type, message: e.message })),
    failures: history.failures.map((f) => ({ ...f, at: new Date(f.at).toISOString() })),
    failedAttempts: history.failedAttempts,
    pending: pendingViews(record, extras.filesPath),
    resuming: extras.resuming,
    ...(extras.resumeError ? { resumeError: extras.resumeError } : {}),
    ...(extras.flowFile ? { flowFile: extras.flowFile } : {}),
  };
}

/** A credit figure as a number, for placing it on a chart and nothing else. */
function drawn(text: string): number {
  return credits(text).toNumber();
}

function pendingViews(record: RunRecord, filesPath: string): DecisionView[] {
  const waits = new Map(waitingOn(record.pending).map((w) => [`${w.stream}\u0000${w.itemId}`, w.waitsFor]));
  return record.pending.map((p) => {
    const known = new Map((p.items ?? []).map((item) => [item.id, item]));
    const ids = p.kind === "select" ? (p.variants ?? []) : [p.itemId];
    const items = ids.map((id): ItemView => {
      const item = known.get(id);
      if (!item) return { id, metrics: {}, cost: "0" };
      const media = item.media ? { kind: item.media.kind, src: "url" in item.media ? item.media.url : `${filesPath}/${item.media.path.split("/").map(encodeURIComponent).join("/")}` } : undefined;
      return { id, ...(item.value !== undefined ? { value: valueText(item.value) } : {}), metrics: item.metrics, cost: item.cost, ...(media ? { media } : {}) };
    });
    const waitsFor = waits.get(`${p.stream}\u0000${p.itemId}`);
    return {
      stream: p.stream,
      kind: p.kind,
      itemId: p.itemId,
      ...(p.pick !== undefined ? { pick: p.pick } : {}),
      items,
      ...(p.decision !== undefined ? { decision: p.decision } : {}),
      ...(waitsFor ? { waitsFor } : {}),
    };
  });
}

function valueText(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
