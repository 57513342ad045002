// `flowc check --baseline FILE`: a snapshot of each file's figures and diagnostics, so that a
// repository can adopt flowc (or a stricter policy) and fail only on what gets worse — a
// diagnostic the snapshot does not hold, or a worst case or expected spend above its figure
// (FLOW507, FLOW508). Figures are kept as decimal strings, so that no digit is lost to a float.
import type { FlowFile } from "../syntax/ast";
import type { CostReport } from "./cost-report";
import { formatExact, formatRounded } from "../syntax/credits";
import { ROUNDING } from "../syntax/figures";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { type DiagnosticKey, diagnosticNode, keyText, pairDiagnostics } from "./diagnostic-key";
import { byCodePoints } from "../syntax/order";

export const BASELINE_VERSION = 1;

/** One file of the snapshot, as written to JSON. */
export interface BaselineEntry {
  flow?: string;
  /** exact */
  worstCase?: string;
  /** rounded to 12 decimal places, as in every JSON output */
  expected?: string;
  diagnostics: DiagnosticKey[];
}

export interface BaselineDoc {
  flowcBaseline: typeof BASELINE_VERSION;
  /** by path relative to the baseline file's folder, with forward slashes */
  files: Record<string, BaselineEntry>;
}

/** What a checked file brings: its AST (to name the declaration of each diagnostic), figures and diagnostics. */
export interface BaselineSubject {
  file: string;
  ast: FlowFile;
  cost?: CostReport;
  diagnostics: readonly Diagnostic[];
}

const EXPECTED_PLACES = 12;

function keyOf(subject: BaselineSubject, d: Diagnostic): DiagnosticKey {
  return { code: d.code, node: diagnosticNode(subject.ast, d, subject.file), message: d.message };
}

export function baselineEntry(subject: BaselineSubject): BaselineEntry {
  const keys = subject.diagnostics.map((d) => keyOf(subject, d));
  return {
    ...(subject.ast.flow ? { flow: subject.ast.flow.name.text } : {}),
    ...(subject.cost ? { worstCase: formatExact(subject.cost.worstCase), expected: formatRounded(subject.cost.expected, EXPECTED_PLACES) } : {}),
    diagnostics: keys.sort(byCodePoints(keyText)),
  };
}

export function baselineDoc(entries: ReadonlyMap<string, BaselineEntry>): BaselineDoc {
  const files = [...entries.entries()].sort(byCodePoints(([file]) => file));
  return { flowcBaseline: BASELINE_VERSION, files: Object.fromEntries(files) };
}

export interface BaselineVerdict {
  /** the diagnostics the snapshot does not hold, with FLOW507/FLOW508 for figures above it */
  diagnostics: Diagnostic[];
  /** diagnostics left out because the snapshot holds them */
  known: number;
}

/**
 * A file against its entry; a file the snapshot lacks keeps every diagnostic. A diagnostic of the
 * same code in the same declaration is known even when the figures in its message moved: figures
 * are judged by FLOW507 and FLOW508, so a cheaper flow never fails for a reworded finding.
 */
export function compareWithBaseline(subject: BaselineSubject, entry: BaselineEntry | undefined): BaselineVerdict {
  if (!entry) return { diagnostics: [...subject.diagnostics], known: 0 };
  const current = subject.diagnostics.map((d) => ({ ...keyOf(subject, d), d }));
  const fresh = pairDiagnostics(entry.diagnostics, current).fresh.map((x) => x.d);
  return { diagnostics: [...fresh, ...figureRegressions(subject, entry)], known: subject.diagnostics.length - fresh.length };
}

function figureRegressions(subject: BaselineSubject, entry: BaselineEntry): Diagnostic[] {
  const flow = subject.ast.flow;
  const cost = subject.cost;
  if (!flow || !cost) return [];
  const out: Diagnostic[] = [];
  const file = { file: subject.file };
  if (entry.worstCase !== undefined && cost.worstCase.gt(entry.worstCase)) {
    const by = cost.worstCase.minus(entry.worstCase);
    out.push(diag("FLOW507", `worst case ${formatExact(cost.worstCase)} credits is ${formatExact(by)} above the baseline's ${entry.worstCase}`, flow.name.range, file));
  }
  // at the 12 places the baseline wrote it, rounded as every expected figure is (syntax/figures.ts)
  const expected = cost.expected.toDecimalPlaces(EXPECTED_PLACES, ROUNDING);
  if (entry.expected !== undefined && expected.gt(entry.expected)) {
    const by = expected.minus(entry.expected);
    out.push(diag("FLOW508", `expected spend ${formatRounded(expected)} credits is ${formatRounded(by)} above the baseline's ${entry.expected}`, flow.name.range, file));
  }
  return out;
}

