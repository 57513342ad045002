// The figures and sentences of `flowc diff`, shared by its text, Markdown and JSON forms: signed
// changes (`+12.5`, `-4`, ASCII signs), before → after, the summary line; numbers by the one rule
// of syntax/figures.ts (worst-case figures exact, expected ones to 12 places).
import type { DiffReport, Excess, FigureChange, FlowChange, IncreaseLimit } from "../../compiler/diff";
import { type Decimal, formatExact } from "../../syntax/credits";
import { exactText, expectedText, signedPercentText, signedText } from "../../syntax/figures";
import { plural } from "./text";

/** `12.5` (worst case, exact) or `272.0257216` (expected, to 12 places) */
export function amount(value: Decimal, exact: boolean): string {
  return exact ? exactText(value) : expectedText(value);
}

/** `+12.5`, `-4`, `0` */
export function signed(value: Decimal, exact: boolean): string {
  return signedText(value, (magnitude) => amount(magnitude, exact));
}

/** `+3.1%`; empty when there is no figure before to take a percentage of */
export function signedPercent(ratio: Decimal | undefined): string {
  return ratio === undefined ? "" : signedPercentText(ratio);
}

/** `+12.5 (+3.1%)`, `+288.17 (new)`, `n/a` when a side has errors */
export function changeText(c: FigureChange, exact: boolean): string {
  if (c.delta === undefined) return "n/a";
  const percent = signedPercent(c.ratio);
  if (percent !== "") return `${signed(c.delta, exact)} (${percent})`;
  return signed(c.delta, exact);
}

/** `902.2896 → 914.7896`, `— → 288.1712` */
export function beforeAfter(c: { before?: Decimal; after?: Decimal }, exact: boolean): string {
  const side = (v: Decimal | undefined) => (v === undefined ? "—" : amount(v, exact));
  if (c.before !== undefined && c.after !== undefined && c.before.eq(c.after)) return side(c.after);
  return `${side(c.before)} → ${side(c.after)}`;
}

function summaryPart(label: string, c: FigureChange, exact: boolean): string {
  if (!c.delta || c.delta.isZero()) return `${label} unchanged`;
  const percent = signedPercent(c.ratio);
  return `${label} ${signed(c.delta, exact)} credits${percent ? ` (${percent})` : ""}`;
}

/** `flowc: worst case +12.5 credits (+3.1%), expected -4 credits (-1.2%) across 3 flows (1 added)` */
export function summaryLine(report: DiffReport): string {
  const { totals } = report;
  const counts = (["added", "removed"] as const).map((s) => [s, report.flows.filter((f) => f.status === s).length] as const).filter(([, n]) => n > 0);
  const unpriced = report.flows.filter((f) => f.worstCase.delta === undefined).length;
  const notes = [...counts.map(([s, n]) => `${n} ${s}`), ...(unpriced > 0 ? [`${unpriced} with errors, not counted`] : [])];
  const across = `across ${plural(totals.flows, "flow")}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
  if (!report.changed) return `flowc: no change in credits ${across}`;
  return `flowc: ${summaryPart("worst case", totals.worstCase, true)}, ${summaryPart("expected", totals.expected, false)} ${across}`;
}

/** What changed in a flow besides its totals: `2 nodes changed, 1 new diagnostic, cap 900 → 950` */
export function flowNotes(f: FlowChange): string[] {
  const notes: string[] = [];
  const nodes = (status: string) => f.nodes.filter((n) => n.status === status).length;
  for (const status of ["changed", "added", "removed"]) if (nodes(status) > 0) notes.push(`${plural(nodes(status), "node")} ${status}`);
  if (f.newDiagnostics.length > 0) notes.push(`${plural(f.newDiagnostics.length, "new diagnostic")}`);
  if (f.fixedDiagnostics.length > 0) notes.push(`${plural(f.fixedDiagnostics.length, "fixed diagnostic")}`);
  if (f.changedDiagnostics.length > 0) notes.push(`${plural(f.changedDiagnostics.length, "diagnostic")} with new figures`);
  if (limitChanged(f.cap)) notes.push(`cap ${beforeAfter(f.cap, true)}`);
  if (limitChanged(f.alert)) notes.push(`alert ${beforeAfter(f.alert, true)}`);
  if (f.priced.before !== f.priced.after && f.status === "changed") notes.push(f.priced.after ? "errors fixed" : "now has errors: no figures");
  return notes;
}

export function limitChanged(c: { before?: Decimal; after?: Decimal }): boolean {
  return (c.before === undefined) !== (c.after === undefined) || (c.before !== undefined && !c.before.eq(c.after!));
}

export function limitText(limit: IncreaseLimit): string {
  return limit.kind === "credits" ? `${formatExact(limit.credits)} credits` : `${formatExact(limit.percent)}%`;
}

/** `campaign_portraits (samples/campaign.flow): worst case +12.5 credits (+1.4%)` */
export function excessText(e: Excess): string {
  const percent = signedPercent(e.change.ratio);
  return `${e.flow} (${e.path}): ${e.figure} ${signed(e.change.delta!, e.figure === "worst case")} credits${percent ? ` (${percent})` : ""}`;
}
