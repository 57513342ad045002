// `flowc report RUN`: a run's nodes by credits, highest first, with their share of the spend and
// the top two nodes' share, rendered as text, JSON (credits as exact number literals) or markdown.
// At the API credits are exact decimal strings and shares fractions to 12 places (`report()`); the
// renderers compute with decimal.js figures, read back from that text.
import { credits, exact, ZERO, type Decimal } from "./credits";
// the one rule for numbers (a leaf module, decimal.js only): the expected figure reads as in `flowc cost` and the editor
import { expectedText, fractionText, percentText } from "../syntax/figures";
import { compareCodePoints } from "../syntax/order";
import type { FailureCount, RunRecord } from "./record";

/** A row as the renderers compute with it: the public row with decimal.js figures. */
type FiguresRow = Omit<ReportRow, "credits" | "share"> & { credits: Decimal; share: Decimal };

/** The report as the renderers compute with it; `report()` hands out its text form. */
type ReportFigures = Omit<RunReport, "spent" | "cap" | "worstCase" | "expected" | "cacheSaved" | "rows" | "topTwoShare"> & {
  spent: Decimal;
  cap?: Decimal;
  worstCase: Decimal;
  expected: Decimal;
  cacheSaved: Decimal;
  rows: FiguresRow[];
  topTwoShare: Decimal;
};

export type ReportFormat = "text" | "json" | "markdown";

function figuresOf(record: RunRecord): ReportFigures {
  const spent = credits(record.totals.spent);
  const rows = record.nodes
    .filter((n) => n.kind === "node")
    .map((n) => {
      const spentHere = credits(n.credits);
      return {
        name: n.name,
        ...(n.op ? { op: n.op } : {}),
        calls: n.calls,
        attempts: n.attempts,
        itemsIn: n.itemsIn,
        itemsOut: n.itemsOut,
        failedItems: n.failedItems,
        failedCalls: n.failedCalls ?? 0,
        failures: n.failures ?? [],
        cacheHits: n.cacheHits,
        credits: spentHere,
        share: spent.isZero() ? ZERO : spentHere.dividedBy(spent),
      };
    })
    .sort((a, b) => b.credits.comparedTo(a.credits) || compareCodePoints(a.name, b.name));
  const topTwo = rows.slice(0, 2);
  return {
    runId: record.runId,
    flow: record.flow,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.error ? { error: record.error } : {}),
    spent,
    ...(record.cap !== undefined ? { cap: credits(record.cap) } : {}),
    worstCase: credits(record.totals.worstCase),
    expected: credits(record.totals.expected),
    cacheHits: record.totals.cacheHits,
    cacheSaved: credits(record.totals.cacheSaved),
    pending: record.pending.length,
    flagged: record.flagged && !record.acknowledged,
    rows,
    topTwo: topTwo.map((r) => r.name),
    topTwoShare: topTwo.reduce((total, r) => total.plus(r.share), ZERO),
  };
}

/** Renders a report (from `report()`) as text, JSON or Markdown. */
export function renderReport(report: RunReport, format: ReportFormat = "text"): string {
  const data = figuresFrom(report);
  switch (format) {
    case "json":
      return renderJson(data);
    case "markdown":
      return renderMarkdown(data);
    default:
      return renderText(data);
  }
}

const percent = percentText;

function headline(data: ReportFigures): string[] {
  const cap = data.cap ? ` of a cap of ${exact(data.cap)}` : "";
  const status = data.reason && data.status !== "completed" ? `${data.status} (${data.reason})` : data.status;
  const lines = [
    `run ${data.runId} · flow ${data.flow} · ${status}${data.flagged ? " · alert flagged" : ""}`,
    `spent ${exact(data.spent)} credits${cap} · worst case ${exact(data.worstCase)} · expected ${expectedText(data.expected)}`,
  ];
  if (data.cacheHits > 0) lines.push(`cache: ${data.cacheHits} hit(s), ${exact(data.cacheSaved)} credits saved`);
  if (data.pending > 0) lines.push(`${data.pending} decision(s) awaiting review`);
  if (data.status === "interrupted") lines.push("the process running it is gone (spend as its journal holds it): continue with `flowc resume`");
  return lines;
}

/** One line per node and cause: which node failed, how often, why, and whether it was charged. */
function failureLines(data: ReportFigures): string[] {
  return data.rows.flatMap((row) =>
    row.failures.map((f) => {
      const attempts = f.attempts > 0 ? `${f.attempts} failed attempt(s)${f.charged ? "" : ", not charged"}` : "";
      const calls = f.calls > 0 ? `${f.calls} call(s) given up` : "";
      return `${row.name}: ${f.cause} — ${[attempts, calls].filter(Boolean).join("; ")}`;
    }),
  );
}

function failureBlock(data: ReportFigures): string[] {
  const lines = failureLines(data);
  return lines.length === 0 ? [] : ["failures:", ...lines.map((l) => `  ${l}`), ""];
}

const COLUMNS = ["node", "calls", "attempts", "items in", "items out", "failed", "cache hits", "credits", "share"];

function cells(row: FiguresRow): string[] {
  return [row.name, String(row.calls), String(row.attempts), String(row.itemsIn), String(row.itemsOut), String(row.failedItems), String(row.cacheHits), exact(row.credits), percent(row.share)];
}

function topTwoLine(data: ReportFigures): string {
  return data.topTwo.length === 0 ? "no nodes" : `top two: ${data.topTwo.join(", ")} = ${percent(data.topTwoShare)} of the spend`;
}

function renderText(data: ReportFigures): string {
  const table = [COLUMNS, ...data.rows.map(cells)];
  const widths = COLUMNS.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
  return [...headline(data), "", ...lines, "", ...failureBlock(data), topTwoLine(data), ""].join("\n");
}

function renderMarkdown(data: ReportFigures): string {
  const head = `| ${COLUMNS.join(" | ")} |`;
  const rule = `|${COLUMNS.map((_, c) => (c === 0 ? " --- " : " ---: ")).join("|")}|`;
  const rows = data.rows.map((r) => `| ${cells(r).join(" | ")} |`);
  const failures = failureLines(data);
  const failureList = failures.length === 0 ? [] : ["Failures:", "", ...failures.map((l) => `- ${l}`), ""];
  return [`## Run ${data.runId}`, "", ...headline(data).map((l) => `${l}  `), "", head, rule, ...rows, "", ...failureList, topTwoLine(data), ""].join("\n");
}

/** Hand-written so credits go out as their exact decimal digits, never through a float. */
function renderJson(data: ReportFigures): string {
  const num = (d: Decimal) => exact(d);
  const rows = data.rows.map((r) =>
    [
      `{"name": ${JSON.stringify(r.name)}`,
      ...(r.op ? [`"op": ${JSON.stringify(r.op)}`] : []),
      `"calls": ${r.calls}`,
      `"attempts": ${r.attempts}`,
      `"itemsIn": ${r.itemsIn}`,
      `"itemsOut": ${r.itemsOut}`,
      `"failedItems": ${r.failedItems}`,
      `"failedCalls": ${r.failedCalls}`,
      `"failures": ${JSON.stringify(r.failures)}`,
      `"cacheHits": ${r.cacheHits}`,
      `"credits": ${num(r.credits)}`,
      `"share": ${fractionText(r.share)}}`,
    ].join(", "),
  );
  const fields = [
    `"runId": ${JSON.stringify(data.runId)}`,
    `"flow": ${JSON.stringify(data.flow)}`,
    `"status": ${JSON.stringify(data.status)}`,
    ...(data.reason ? [`"reason": ${JSON.stringify(data.reason)}`] : []),
    ...(data.error ? [`"error": ${JSON.stringify(data.error)}`] : []),
    `"spent": ${num(data.spent)}`,
    ...(data.cap ? [`"cap": ${num(data.cap)}`] : []),
    `"worstCase": ${num(data.worstCase)}`,
    `"expected": ${expectedText(data.expected)}`,
    `"cacheHits": ${data.cacheHits}`,
    `"cacheSaved": ${num(data.cacheSaved)}`,
    `"pending": ${data.pending}`,
    `"flagged": ${data.flagged}`,
    `"nodes": [${rows.length ? `\n    ${rows.join(",\n    ")}\n  ` : ""}]`,
    `"topTwo": ${JSON.stringify(data.topTwo)}`,
    `"topTwoShare": ${fractionText(data.topTwoShare)}`,
  ];
  return `{\n  ${fields.join(",\n  ")}\n}\n`;
}

export interface ReportRow {
  name: string;
  op?: string;
  calls: number;
  attempts: number;
  itemsIn: number;
  itemsOut: number;
  failedItems: number;
  failedCalls: number;
  /** why attempts failed, one entry per cause */
  failures: FailureCount[];
  cacheHits: number;
  /** exact decimal text */
  credits: string;
  /** of the run's spend, as a fraction (12 decimal places at most) */
  share: string;
}

/** `flowc report`'s figures as plain data: credits exact decimal text, shares fractions of 1. */
export interface RunReport {
  runId: string;
  flow: string;
  status: RunRecord["status"];
  reason?: string;
  /** why the run failed (status failed) */
  error?: string;
  spent: string;
  cap?: string;
  worstCase: string;
  expected: string;
  cacheHits: number;
  cacheSaved: string;
  pending: number;
  flagged: boolean;
  rows: ReportRow[];
  topTwo: string[];
  /** a fraction, 12 decimal places at most */
  topTwoShare: string;
}

/** A run's nodes by credits, highest first, with shares: plain data, credits as exact decimal strings. */
export function report(record: RunRecord): RunReport {
  const data = figuresOf(record);
  const { spent, cap, worstCase, expected, cacheSaved, rows, topTwoShare, ...rest } = data;
  return {
    ...rest,
    spent: exact(spent),
    ...(cap !== undefined ? { cap: exact(cap) } : {}),
    worstCase: exact(worstCase),
    expected: exact(expected),
    cacheSaved: exact(cacheSaved),
    rows: rows.map((row) => ({ ...row, credits: exact(row.credits), share: fractionText(row.share) })),
    topTwoShare: fractionText(topTwoShare),
  };
}

function figuresFrom(data: RunReport): ReportFigures {
  const { spent, cap, worstCase, expected, cacheSaved, rows, topTwoShare, ...rest } = data;
  return {
    ...rest,
    spent: credits(spent),
    ...(cap !== undefined ? { cap: credits(cap) } : {}),
    worstCase: credits(worstCase),
    expected: credits(expected),
    cacheSaved: credits(cacheSaved),
    rows: rows.map((row) => ({ ...row, credits: credits(row.credits), share: credits(row.share) })),
    topTwoShare: credits(topTwoShare),
  };
}
