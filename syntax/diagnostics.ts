// One Diagnostic type for every consumer (CLI text, JSON, SARIF, GitHub, LSP, tests), and one
// registry of codes. A phase never throws on user input: it returns its diagnostics.
import type { Range } from "./ast";
import { plainRange } from "./lines";
import { compareCodePoints } from "./order";

export type Severity = "error" | "warning" | "hint";

/** A text edit: replace `range` of the file with `text`. */
export interface TextEdit {
  range: Range;
  text: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * false for a suggestion that the author completes (eslint's suggestions): offered as a code
   * action but never applied by `flowc check --fix`. Preferred fixes (the default) keep the flow's
   * outputs, dependencies and spend (compiler/fix-invariants.ts).
   */
  preferred?: boolean;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  /** the file the range refers to (absolute or as given on the command line) */
  file?: string;
  /** further lines shown under the message */
  notes?: string[];
  fix?: Fix;
}

interface CodeInfo {
  severity: Severity;
  summary: string;
}

/** Every diagnostic code: default severity and a one-line summary (docs/language.md lists them). */
export const CODES = {
  FLOW101: { severity: "error", summary: "syntax error" },
  FLOW102: { severity: "error", summary: "an import that cannot be read or holds more than models and ops" },
  FLOW201: { severity: "error", summary: "unknown name" },
  FLOW202: { severity: "error", summary: "duplicate name" },
  FLOW203: { severity: "error", summary: "cycle" },
  FLOW204: { severity: "error", summary: "unknown metric for the source's op" },
  FLOW205: { severity: "error", summary: "threshold outside the metric's range" },
  FLOW206: { severity: "error", summary: "a per-megapixel or per-second price without resolution or duration" },
  FLOW207: { severity: "error", summary: "a named argument that is not a single item" },
  FLOW208: { severity: "error", summary: "invalid retry path" },
  FLOW209: { severity: "error", summary: "select source without variants" },
  FLOW210: { severity: "error", summary: "a param that fails the op's JSON Schema" },
  FLOW211: { severity: "error", summary: "unknown op or model" },
  FLOW212: { severity: "error", summary: "a property that is invalid where it stands (duplicate, out of range, or contradictory)" },
  FLOW213: { severity: "error", summary: "`.rejected` of a gate or review that discards its rejected items" },
  FLOW214: { severity: "warning", summary: "a node with neither a model nor a cost: priced at 0 credits" },
  FLOW215: { severity: "error", summary: "a flow whose exact figures need more than the analysis' limits" },
  FLOW301: { severity: "warning", summary: "worst case exceeds the cap" },
  FLOW302: { severity: "error", summary: "expected spend exceeds the cap: normal runs would pause" },
  FLOW303: { severity: "warning", summary: "cap below 120% of expected: normal variance will pause runs" },
  FLOW304: { severity: "hint", summary: "cap above 130% of expected: a runaway run may spend far more than usual" },
  FLOW305: { severity: "warning", summary: "no budget block" },
  FLOW306: { severity: "warning", summary: "alert at or above the cap" },
  FLOW307: { severity: "error", summary: "worst case exceeds --max-worst-case" },
  FLOW308: { severity: "error", summary: "expected spend exceeds --max-expected" },
  FLOW401: { severity: "hint", summary: "a costly node runs before a gate or review" },
  FLOW402: { severity: "hint", summary: "full-quality variants before a select" },
  FLOW403: { severity: "hint", summary: "one of the two costliest nodes has no gate or review upstream" },
  FLOW404: { severity: "hint", summary: "a node whose inputs are all stable has no cache" },
  FLOW405: { severity: "warning", summary: "cache on a node that depends on an input not marked stable" },
  FLOW406: { severity: "hint", summary: "a batchable op with a per-call overhead runs one call per item" },
  FLOW407: { severity: "warning", summary: "a node whose outputs reach no output" },
  FLOW408: { severity: "hint", summary: "a gate or review without an expected rate" },
  FLOW501: { severity: "error", summary: "worst case exceeds a policy's maxWorstCase (flowc.json)" },
  FLOW502: { severity: "error", summary: "expected spend exceeds a policy's maxExpected (flowc.json)" },
  FLOW503: { severity: "error", summary: "the cap is outside a policy's capHeadroom range of the expected spend, or missing (flowc.json)" },
  FLOW504: { severity: "error", summary: "the budget block, or a cap, alert or strict in it, that a policy requires is missing (flowc.json)" },
  FLOW505: { severity: "error", summary: "a node runs an op that a policy guards with requireReviewBefore, with no review upstream (flowc.json)" },
  FLOW506: { severity: "error", summary: "a node uses a model that a policy bans by name or family (flowc.json)" },
  FLOW507: { severity: "error", summary: "worst case above the baseline (flowc check --baseline)" },
  FLOW508: { severity: "error", summary: "expected spend above the baseline (flowc check --baseline)" },
  FLOW601: { severity: "warning", summary: "a flowc-ignore comment names an unknown code, or one that cannot be ignored" },
  FLOW602: { severity: "warning", summary: "a flowc-ignore comment (or a code in it) that hides nothing" },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;

/** Build a diagnostic with the code's default severity. */
export function diag(code: DiagnosticCode, message: string, range: Range, extra: Partial<Diagnostic> = {}): Diagnostic {
  // plain data from here on: a diagnostic outlives the parse it came from (lsp/reparse.ts)
  return { code, severity: CODES[code].severity, message, range: plainRange(range), ...extra };
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, hint: 2 };

/** Deterministic order: by file, position, code, severity, then message (text by code point). */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareCodePoints(a.file ?? "", b.file ?? "") ||
      a.range.start.offset - b.range.start.offset ||
      compareCodePoints(a.code, b.code) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compareCodePoints(a.message, b.message),
  );
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === "error");
}
