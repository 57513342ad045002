// `flowc diff`: what a change does to credit spend. Two sets of analysed flows, matched by path,
// compared flow by flow and node by node — worst case and expected before and after, the change
// in credits and percent, nodes added and removed, cap and alert changes, new and fixed
// diagnostics (matched by code, declaration and message, never by line) — with totals. Pure:
// the CLI reads the two sides (files, folders, or a git ref) and formats the result.
import type { FlowFile } from "../syntax/ast";
import type { CostReport } from "./cost-report";
import { Decimal, ZERO } from "../syntax/credits";
import type { Diagnostic } from "../syntax/diagnostics";
import { diagnosticNode, pairDiagnostics } from "./diagnostic-key";
import { compareCodePoints } from "../syntax/order";

/** One side of one file, as analysed (with policy diagnostics, if any, among its diagnostics). */
export interface DiffSide {
  /** the analysed file name (diagnostics carry it) */
  file: string;
  ast: FlowFile;
  cost?: CostReport;
  diagnostics: readonly Diagnostic[];
}

export interface FigureChange {
  before?: Decimal;
  after?: Decimal;
  /** after − before, a missing side counting 0 for an added or removed flow; absent when a side has no figures (errors) */
  delta?: Decimal;
  /** delta / before, as a fraction; absent when before is absent or 0 */
  ratio?: Decimal;
}

export type Status = "added" | "removed" | "changed" | "unchanged";

export interface NodeChange {
  name: string;
  op: string;
  status: Status;
  worstCase: FigureChange;
  expected: FigureChange;
}

/** A diagnostic that appeared or went away, with the declaration it stands in. */
export interface DiagnosticChange {
  diagnostic: Diagnostic;
  node: string;
}

export interface FlowChange {
  /** the path both sides are matched by */
  path: string;
  flow: string;
  status: Status;
  worstCase: FigureChange;
  expected: FigureChange;
  cap: { before?: Decimal; after?: Decimal };
  alert: { before?: Decimal; after?: Decimal };
  /** whether each side could be priced (a side with errors has no figures) */
  priced: { before: boolean; after: boolean };
  /** every node on either side: changed, added and removed first, by the size of the change */
  nodes: NodeChange[];
  newDiagnostics: DiagnosticChange[];
  fixedDiagnostics: DiagnosticChange[];
  /** same code in the same declaration, another message (its figures moved) */
  changedDiagnostics: { before: DiagnosticChange; after: DiagnosticChange }[];
}

export interface DiffReport {
  /** by the size of the change in worst case, then expected, then path */
  flows: FlowChange[];
  totals: { worstCase: FigureChange; expected: FigureChange; flows: number; changed: number };
  changed: boolean;
}

export function diffFlows(before: ReadonlyMap<string, DiffSide>, after: ReadonlyMap<string, DiffSide>): DiffReport {
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  const flows = paths.map((p) => diffFlow(p, before.get(p), after.get(p))).sort(bySize((f) => f.path));
  const changed = flows.filter((f) => f.status !== "unchanged").length;
  return {
    flows,
    totals: { worstCase: total(flows.map((f) => f.worstCase)), expected: total(flows.map((f) => f.expected)), flows: flows.length, changed },
    changed: changed > 0,
  };
}

function diffFlow(path: string, before: DiffSide | undefined, after: DiffSide | undefined): FlowChange {
  const present = { before: before !== undefined, after: after !== undefined };
  const b = before?.cost;
  const a = after?.cost;
  const figure = (pick: (c: CostReport) => Decimal) => change(b && pick(b), a && pick(a), present);
  const { fresh, fixed, changed } = diagnosticChanges(before, after);
  const flowChange: FlowChange = {
    path,
    flow: after?.ast.flow?.name.text ?? before?.ast.flow?.name.text ?? path,
    status: "unchanged",
    worstCase: figure((c) => c.worstCase),
    expected: figure((c) => c.expected),
    cap: { before: b?.cap, after: a?.cap },
    alert: { before: b?.alert, after: a?.alert },
    priced: { before: b !== undefined, after: a !== undefined },
    // a side with errors has no node figures: its nodes are unknown, not removed
    nodes: (b || !before) && (a || !after) ? nodeChanges(b, a) : [],
    newDiagnostics: fresh,
    fixedDiagnostics: fixed,
    changedDiagnostics: changed,
  };
  flowChange.status = !before ? "added" : !after ? "removed" : isChanged(flowChange) ? "changed" : "unchanged";
  return flowChange;
}

/** A missing side counts 0 only when the file is missing; a side with errors has no figure to compare. */
function change(before: Decimal | undefined, after: Decimal | undefined, present: { before: boolean; after: boolean }): FigureChange {
  const b = before ?? (present.before ? undefined : ZERO);
  const a = after ?? (present.after ? undefined : ZERO);
  const delta = b !== undefined && a !== undefined ? a.minus(b) : undefined;
  const ratio = delta !== undefined && before !== undefined && !before.isZero() ? delta.div(before) : undefined;
  return { before, after, delta, ratio };
}

function isChanged(f: FlowChange): boolean {
  const moved = (c: FigureChange) => (c.delta ? !c.delta.isZero() : c.before !== undefined || c.after !== undefined);
  const differs = (x: { before?: Decimal; after?: Decimal }) => (x.before === undefined) !== (x.after === undefined) || (x.before !== undefined && !x.before.eq(x.after!));
  return (
    moved(f.worstCase) ||
    moved(f.expected) ||
    f.priced.before !== f.priced.after ||
    differs(f.cap) ||
    differs(f.alert) ||
    f.nodes.some((n) => n.status !== "unchanged") ||
    f.newDiagnostics.length > 0 ||
    f.fixedDiagnostics.length > 0 ||
    f.changedDiagnostics.length > 0
  );
}

function nodeChanges(before: CostReport | undefined, after: CostReport | undefined): NodeChange[] {
  const was = new Map((before?.nodes ?? []).map((n) => [n.name, n]));
  const is = new Map((after?.nodes ?? []).map((n) => [n.name, n]));
  const names = [...new Set([...was.keys(), ...is.keys()])];
  return names
    .map((name): NodeChange => {
      const b = was.get(name);
      const a = is.get(name);
      const present = { before: b !== undefined, after: a !== undefined };
      const worstCase = change(b?.worstCase, a?.worstCase, present);
      const expected = change(b?.expected, a?.expected, present);
      const status: Status = !b ? "added" : !a ? "removed" : worstCase.delta!.isZero() && expected.delta!.isZero() ? "unchanged" : "changed";
      return { name, op: (a ?? b)!.op, status, worstCase, expected };
    })
    .sort(bySize((n) => n.name));
}

/**
 * Diagnostics of the new side that the old one lacks (code, declaration and message) and the
 * reverse; a pair with the same code in the same declaration is one diagnostic whose message
 * changed (a figure in it moved), not one fixed and one new.
 */
function diagnosticChanges(
  before: DiffSide | undefined,
  after: DiffSide | undefined,
): { fresh: DiagnosticChange[]; fixed: DiagnosticChange[]; changed: FlowChange["changedDiagnostics"] } {
  const keyed = (side: DiffSide | undefined) =>
    (side?.diagnostics ?? []).map((diagnostic) => ({ diagnostic, node: diagnosticNode(side!.ast, diagnostic, side!.file), code: diagnostic.code, message: diagnostic.message }));
  const pairing = pairDiagnostics(keyed(before), keyed(after));
  const strip = ({ diagnostic, node }: DiagnosticChange) => ({ diagnostic, node });
  return {
    fresh: pairing.fresh.map(strip),
    fixed: pairing.gone.map(strip),
    changed: pairing.moved.map((m) => ({ before: strip(m.before), after: strip(m.after) })),
  };
}

const size = (c: FigureChange) => c.delta?.abs() ?? ZERO;

/** Largest change in worst case first, then in expected, then by name. */
function bySize<T extends { worstCase: FigureChange; expected: FigureChange }>(label: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => size(b.worstCase).comparedTo(size(a.worstCase)) || size(b.expected).comparedTo(size(a.expected)) || compareCodePoints(label(a), label(b));
}

/** The sum over flows whose change is known. */
function total(changes: FigureChange[]): FigureChange {
  const known = changes.filter((c) => c.delta !== undefined);
  const before = known.reduce((t, c) => t.plus(c.before ?? ZERO), ZERO);
  const after = known.reduce((t, c) => t.plus(c.after ?? ZERO), ZERO);
  const delta = after.minus(before);
  return { before, after, delta, ratio: before.isZero() ? undefined : delta.div(before) };
}

// ---------------------------------------------------------------------------------------------
// `--max-increase N` or `--max-increase P%`: a flow whose worst case or expected spend grows by
// more than N credits, or by more than P percent of its figure before the change.

export type IncreaseLimit = { kind: "credits"; credits: Decimal } | { kind: "percent"; percent: Decimal };

export interface Excess {
  path: string;
  flow: string;
  figure: "worst case" | "expected";
  change: FigureChange;
}

/**
 * The figures that grew past the limit. A percentage needs a figure before the change: an added
 * flow (or one that cost nothing before) is held to an absolute limit only.
 */
export function increasesPast(report: DiffReport, limit: IncreaseLimit): Excess[] {
  const out: Excess[] = [];
  for (const f of report.flows) {
    for (const [figure, c] of [["worst case", f.worstCase], ["expected", f.expected]] as const) {
      const past = limit.kind === "credits" ? c.delta?.gt(limit.credits) : c.ratio?.times(100).gt(limit.percent);
      if (past) out.push({ path: f.path, flow: f.flow, figure, change: c });
    }
  }
  return out;
}
