// Document symbols: the flow with its declarations (and the models and ops declared outside it),
// each with a kind an editor's outline knows and a one-line detail.
import { SymbolKind, type DocumentSymbol, type DocumentSymbolParams } from "vscode-languageserver";
import type { Arg, BudgetDecl, Decl, InputDecl, NodeDecl, Ref } from "../syntax/ast";
import type { DocumentStore } from "./documents";
import { rateText } from "./figures";
import { toLspRange } from "./positions";

const KINDS: Record<Decl["kind"], SymbolKind> = {
  input: SymbolKind.Variable,
  model: SymbolKind.Class,
  op: SymbolKind.Function,
  node: SymbolKind.Method,
  gate: SymbolKind.Boolean,
  review: SymbolKind.Event,
  select: SymbolKind.Array,
  budget: SymbolKind.Struct,
  output: SymbolKind.Key,
};

export function documentSymbols(store: DocumentStore, params: DocumentSymbolParams): DocumentSymbol[] {
  const ast = store.get(params.textDocument.uri, "syntax").analysis.ast;
  const symbols = ast.decls.map(symbolOf);
  const flow = ast.flow;
  if (flow) {
    symbols.push({
      name: flow.name.text,
      kind: SymbolKind.Module,
      detail: "flow",
      range: toLspRange(flow.range),
      selectionRange: toLspRange(flow.name.range),
      children: flow.decls.map(symbolOf),
    });
  }
  return symbols;
}

function symbolOf(decl: Decl): DocumentSymbol {
  const name = decl.kind === "budget" || decl.kind === "output" ? decl.kind : decl.name.text;
  const selection = decl.kind === "budget" ? decl.keyword : decl.kind === "output" ? decl.range : decl.name.range;
  return { name, kind: KINDS[decl.kind], detail: detailOf(decl), range: toLspRange(decl.range), selectionRange: toLspRange(selection) };
}

function detailOf(decl: Decl): string {
  switch (decl.kind) {
    case "input":
      return inputDetail(decl);
    case "model":
      return decl.props.flatMap((p) => (p.kind === "rate" ? [rateText(p)] : [])).join("") || "model";
    case "op":
      return "op";
    case "node":
      return nodeDetail(decl);
    case "gate":
      return decl.conds.map((c) => `${c.source.text}.${c.metric.text} ${c.op} ${c.threshold.value}`).join(" and ");
    case "review":
      return `${refText(decl.source)} by human`;
    case "select":
      return `${decl.source.text} by ${decl.by.kind === "human" ? "human" : `${decl.by.kind} ${decl.by.metric.text}`}`;
    case "budget":
      return budgetDetail(decl);
    case "output":
      return decl.refs.map(refText).join(", ");
  }
}

function inputDetail(decl: InputDecl): string {
  const count = decl.count ? (decl.count.min === 0 ? `[${decl.count.max}]` : `[${decl.count.min}..${decl.count.max}]`) : "";
  return `${decl.type}${count}${decl.expect[0] ? ` expect ${decl.expect[0].value}` : ""}${decl.stable.length > 0 ? " stable" : ""}`;
}

function nodeDetail(decl: NodeDecl): string {
  const model = decl.props.find((p) => p.kind === "model");
  return `${decl.op.text}(${decl.args.map(argText).join(", ")})${model?.kind === "model" ? ` · ${model.model.text}` : ""}`;
}

function argText(arg: Arg): string {
  return arg.kind === "named" ? `${arg.name.text}: ${refText(arg.ref)}` : refText(arg.ref);
}

function refText(ref: Ref): string {
  return ref.name.text + (ref.rejected ? ".rejected" : "");
}

function budgetDetail(decl: BudgetDecl): string {
  const cap = decl.props.find((p) => p.kind === "cap");
  return cap?.kind === "cap" ? `cap ${cap.amount.value} credits` : "budget";
}
