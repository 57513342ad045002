// `flowc report RUN`: a run's nodes by credits, highest first, with their share of the spend and
// the top two nodes' share, rendered as text, JSON (credits as exact number literals) or markdown.
// Credits are exact decimal strings, shares fractions to 12 decimal places.
import { credits, exact, rounded, ZERO } from "./credits";
import type { RunRecord } from "./record";

export interface ReportRow {
  name: string;
  op?: string;
  calls: number;
  attempts: number;
  itemsIn: number;
  itemsOut: number;
  failedItems: number;
  cacheHits: number;
  credits: string;
  /** of the run's spend, as a fraction (12 decimal places at most) */
  share: string;
}

export interface RunReport {
  runId: string;
  flow: string;
  status: RunRecord["status"];
  reason?: string;
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
  topTwoShare: string;
}

const SHARE_PLACES = 12;

export type ReportFormat = "text" | "json" | "markdown";

export function report(record: RunRecord): RunReport {
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
        cacheHits: n.cacheHits,
        credits: spentHere,
        share: spent.isZero() ? ZERO : spentHere.dividedBy(spent),
      };
    })
    .sort((a, b) => b.credits.comparedTo(a.credits) || a.name.localeCompare(b.name));
  const topTwo = rows.slice(0, 2);
  const topTwoShare = topTwo.reduce((total, r) => total.plus(r.share), ZERO);
  return {
    runId: record.runId,
    flow: record.flow,
    status: record.status,
    ...(record.reason ? { reason: record.reason } : {}),
    spent: exact(spent),
    ...(record.cap !== undefined ? { cap: exact(credits(record.cap)) } : {}),
    worstCase: exact(credits(record.totals.worstCase)),
    expected: exact(credits(record.totals.expected)),
    cacheHits: record.totals.cacheHits,
    cacheSaved: exact(credits(record.totals.cacheSaved)),
    pending: record.pending.length,
    flagged: record.flagged && !record.acknowledged,
    rows: rows.map((r) => ({ ...r, credits: exact(r.credits), share: rounded(r.share, SHARE_PLACES) })),
    topTwo: topTwo.map((r) => r.name),
    topTwoShare: rounded(topTwoShare, SHARE_PLACES),
  };
}

export function renderReport(data: RunReport, format: ReportFormat = "text"): string {
  switch (format) {
    case "json":
      return renderJson(data);
    case "markdown":
      return renderMarkdown(data);
    default:
      return renderText(data);
  }
}

function percent(share: string): string {
  return `${credits(share).times(100).toDecimalPlaces(1).toFixed(1)}%`;
}

function headline(data: RunReport): string[] {
  const cap = data.cap ? ` of a cap of ${data.cap}` : "";
  const status = data.reason && data.status !== "completed" ? `${data.status} (${data.reason})` : data.status;
  const lines = [
    `run ${data.runId} · flow ${data.flow} · ${status}${data.flagged ? " · alert flagged" : ""}`,
    `spent ${data.spent} credits${cap} · worst case ${data.worstCase} · expected ${rounded(credits(data.expected), 6)}`,
  ];
  if (data.cacheHits > 0) lines.push(`cache: ${data.cacheHits} hit(s), ${data.cacheSaved} credits saved`);
  if (data.pending > 0) lines.push(`${data.pending} decision(s) awaiting review`);
  return lines;
}

const COLUMNS = ["node", "calls", "attempts", "items in", "items out", "failed", "cache hits", "credits", "share"];

function cells(row: ReportRow): string[] {
  return [row.name, String(row.calls), String(row.attempts), String(row.itemsIn), String(row.itemsOut), String(row.failedItems), String(row.cacheHits), row.credits, percent(row.share)];
}

function topTwoLine(data: RunReport): string {
  return data.topTwo.length === 0 ? "no nodes" : `top two: ${data.topTwo.join(", ")} = ${percent(data.topTwoShare)} of the spend`;
}

function renderText(data: RunReport): string {
  const table = [COLUMNS, ...data.rows.map(cells)];
  const widths = COLUMNS.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd());
  return [...headline(data), "", ...lines, "", topTwoLine(data), ""].join("\n");
}

function renderMarkdown(data: RunReport): string {
  const head = `| ${COLUMNS.join(" | ")} |`;
  const rule = `|${COLUMNS.map((_, c) => (c === 0 ? " --- " : " ---: ")).join("|")}|`;
  const rows = data.rows.map((r) => `| ${cells(r).join(" | ")} |`);
  return [`## Run ${data.runId}`, "", ...headline(data).map((l) => `${l}  `), "", head, rule, ...rows, "", topTwoLine(data), ""].join("\n");
}

/** Hand-written so credits go out as their exact decimal digits, never through a float. */
function renderJson(data: RunReport): string {
  const rows = data.rows.map((r) =>
    [
      `{"name": ${JSON.stringify(r.name)}`,
      ...(r.op ? [`"op": ${JSON.stringify(r.op)}`] : []),
      `"calls": ${r.calls}`,
      `"attempts": ${r.attempts}`,
      `"itemsIn": ${r.itemsIn}`,
      `"itemsOut": ${r.itemsOut}`,
      `"failedItems": ${r.failedItems}`,
      `"cacheHits": ${r.cacheHits}`,
      `"credits": ${r.credits}`,
      `"share": ${r.share}}`,
    ].join(", "),
  );
  const fields = [
    `"runId": ${JSON.stringify(data.runId)}`,
    `"flow": ${JSON.stringify(data.flow)}`,
    `"status": ${JSON.stringify(data.status)}`,
    ...(data.reason ? [`"reason": ${JSON.stringify(data.reason)}`] : []),
    `"spent": ${data.spent}`,
    ...(data.cap ? [`"cap": ${data.cap}`] : []),
    `"worstCase": ${data.worstCase}`,
    `"expected": ${rounded(credits(data.expected), SHARE_PLACES)}`,
    `"cacheHits": ${data.cacheHits}`,
    `"cacheSaved": ${data.cacheSaved}`,
    `"pending": ${data.pending}`,
    `"flagged": ${data.flagged}`,
    `"nodes": [${rows.length ? `\n    ${rows.join(",\n    ")}\n  ` : ""}]`,
    `"topTwo": ${JSON.stringify(data.topTwo)}`,
    `"topTwoShare": ${data.topTwoShare}`,
  ];
  return `{\n  ${fields.join(",\n  ")}\n}\n`;
}
