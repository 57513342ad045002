// Machine-readable output. `flowc check --format json` and `flowc cost --format json` (contract,
// section 8): diagnostics with file, line, column, endLine, endColumn, severity, code, message;
// credits as JSON numbers with their exact digits (expected figures rounded to 12 places).
import type { Diagnostic } from "../../syntax/diagnostics";
import type { CostReport, Witness } from "../../compiler/cost-report";
import type { Range } from "../../syntax/ast";
import { sum } from "../../syntax/credits";
import { roundNumber } from "../../syntax/figures";
import { type JsonValue, exactNumber, roundedNumber, writeJson } from "./json-writer";
import { countSeverities } from "./text";
import { displayPath } from "./paths";

/** One file of a `flowc check` run, as the formatters see it. */
export interface CheckedFile {
  file: string;
  status: "checked" | "unreadable" | "crashed";
  /** why the file was not checked */
  reason?: string;
  diagnostics: Diagnostic[];
  flow?: string;
  cost?: CostReport;
}

function rangeJson(range: Range): { line: number; column: number; endLine: number; endColumn: number } {
  return { line: range.start.line, column: range.start.column, endLine: range.end.line, endColumn: range.end.column };
}

export function diagnosticJson(d: Diagnostic, cwd: string): JsonValue {
  return {
    file: d.file === undefined ? null : displayPath(d.file, cwd),
    ...rangeJson(d.range),
    severity: d.severity,
    code: d.code,
    message: d.message,
    notes: d.notes && d.notes.length > 0 ? d.notes : undefined,
    fix: d.fix ? { title: d.fix.title, preferred: d.fix.preferred !== false, edits: d.fix.edits.map((e) => ({ ...rangeJson(e.range), text: e.text })) } : undefined,
  };
}

export function checkJson(files: readonly CheckedFile[], cwd: string): string {
  const diagnostics = files.flatMap((f) => f.diagnostics);
  const counts = countSeverities(diagnostics);
  return (
    writeJson({
      diagnostics: diagnostics.map((d) => diagnosticJson(d, cwd)),
      files: files.map((f) => checkedFileJson(f, cwd)),
      summary: { files: files.length, errors: counts.error, warnings: counts.warning, hints: counts.hint },
    }) + "\n"
  );
}

function checkedFileJson(f: CheckedFile, cwd: string): JsonValue {
  const counts = countSeverities(f.diagnostics);
  return {
    file: displayPath(f.file, cwd),
    status: f.status,
    reason: f.reason,
    flow: f.flow ?? f.cost?.flow ?? null,
    worstCase: f.cost ? exactNumber(f.cost.worstCase) : null,
    expected: f.cost ? roundedNumber(f.cost.expected) : null,
    errors: counts.error,
    warnings: counts.warning,
    hints: counts.hint,
  };
}

export interface CostJsonInput {
  file: string;
  report: CostReport;
  /** budget diagnostics shown with the figures */
  diagnostics: readonly Diagnostic[];
  /** sentences of `--explain` */
  explanation?: string[];
}

export function costJson(input: CostJsonInput, cwd: string): string {
  return writeJson(costJsonValue(input, cwd)) + "\n";
}

/** Several flows priced at once: each flow's object as one alone gets, and their totals. */
export function costsJson(inputs: readonly CostJsonInput[], unpriced: readonly CheckedFile[], cwd: string): string {
  return (
    writeJson({
      flows: inputs.map((input) => costJsonValue(input, cwd)),
      unpriced: unpriced.map((f) => ({ file: displayPath(f.file, cwd), reason: f.reason ?? null, diagnostics: f.diagnostics.map((d) => diagnosticJson(d, cwd)) })),
      total: {
        flows: inputs.length,
        worstCase: exactNumber(sum(inputs.map((i) => i.report.worstCase))),
        expected: roundedNumber(sum(inputs.map((i) => i.report.expected))),
      },
    }) + "\n"
  );
}

function costJsonValue(input: CostJsonInput, cwd: string): JsonValue {
  const { report } = input;
  const headroom = report.cap?.minus(report.worstCase);
  return (
    {
      file: displayPath(input.file, cwd),
      flow: report.flow,
      warm: report.warm,
      worstCase: exactNumber(report.worstCase),
      expected: roundedNumber(report.expected),
      cap: report.cap ? exactNumber(report.cap) : null,
      alert: report.alert ? exactNumber(report.alert) : null,
      headroom: headroom ? exactNumber(headroom) : null,
      topTwoShare: roundedNumber(report.topTwoShare),
      nodes: report.nodes.map((n) => ({
        name: n.name,
        op: n.op,
        calls: n.worstCalls,
        attempts: n.worstAttempts,
        items: n.worstItems,
        worstCase: exactNumber(n.worstCase),
        expectedCalls: roundedNumber(n.expectedCalls),
        expectedItems: roundedNumber(n.expectedItems),
        expected: roundedNumber(n.expected),
        share: roundedNumber(n.share),
        cacheHit: n.cacheHit,
      })),
      witness: witnessJson(report.witness),
      explanation: input.explanation,
      diagnostics: input.diagnostics.map((d) => diagnosticJson(d, cwd)),
    }
  );
}

function witnessJson(w: Witness): JsonValue {
  return {
    inputs: w.inputs.map((i) => ({ name: i.name, count: i.count })),
    gates: w.gates.map((g) => ({
      name: g.name,
      human: g.human,
      rounds: g.rounds.map((r) => ({ round: roundNumber(r.round), checked: r.checked, passed: r.passed, rejected: r.rejected })),
    })),
    nodes: w.nodes.map((n) => ({
      name: n.name,
      attemptsPerCall: n.attemptsPerCall,
      rounds: n.rounds.map((r) => ({ round: roundNumber(r.round), items: r.items, calls: r.calls })),
    })),
  };
}
