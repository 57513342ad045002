// Every place a file names a stream, a model, an op or a metric, declared or referenced, read off
// the AST. Definition, references, rename, hover and semantic tokens all start from here, so a
// name that parses is found the same way by each of them, even in a file with errors elsewhere.
import type { Cond, Decl, FlowFile, GateProp, Ident, ModelDecl, NodeDecl, OpDecl, Range, Ref, ReviewProp } from "../syntax/ast";

export type NameKind = "stream" | "model" | "op" | "metric";

export interface Occurrence {
  kind: NameKind;
  name: string;
  range: Range;
  declaration: boolean;
  /** for a metric: the stream whose op declares it (a gate's or select's source), or the op itself at a `metric` declaration */
  owner?: { kind: "stream" | "op"; name: string };
}

/** Every occurrence, in source order. */
export function occurrencesOf(file: FlowFile): Occurrence[] {
  const found: Occurrence[] = [];
  const add = (kind: NameKind, ident: Ident, declaration: boolean, owner?: Occurrence["owner"]) =>
    found.push({ kind, name: ident.text, range: ident.range, declaration, ...(owner ? { owner } : {}) });
  for (const decl of file.decls) catalogDecl(decl, add);
  for (const decl of file.flow?.decls ?? []) flowDecl(decl, add);
  return found.sort((a, b) => a.range.start.offset - b.range.start.offset);
}

type Add = (kind: NameKind, ident: Ident, declaration: boolean, owner?: Occurrence["owner"]) => void;

function catalogDecl(decl: ModelDecl | OpDecl, add: Add): void {
  add(decl.kind, decl.name, true);
  if (decl.kind !== "op") return;
  for (const prop of decl.props) if (prop.kind === "metric") add("metric", prop.name, true, { kind: "op", name: decl.name.text });
}

function flowDecl(decl: Decl, add: Add): void {
  const ref = (r: Ref) => add("stream", r.name, false);
  switch (decl.kind) {
    case "model":
    case "op":
      return catalogDecl(decl, add);
    case "input":
      return add("stream", decl.name, true);
    case "node":
      return nodeDecl(decl, add);
    case "gate":
      add("stream", decl.name, true);
      decl.conds.forEach((cond) => condition(cond, add));
      return retryTargets(decl.props, add);
    case "review":
      add("stream", decl.name, true);
      ref(decl.source);
      return retryTargets(decl.props, add);
    case "select":
      add("stream", decl.name, true);
      add("stream", decl.source, false);
      if (decl.by.kind !== "human") add("metric", decl.by.metric, false, { kind: "stream", name: decl.source.text });
      return;
    case "output":
      return decl.refs.forEach(ref);
    case "budget":
      return;
  }
}

function nodeDecl(decl: NodeDecl, add: Add): void {
  add("stream", decl.name, true);
  add("op", decl.op, false);
  for (const arg of decl.args) add("stream", arg.ref.name, false);
  for (const prop of decl.props) if (prop.kind === "model") add("model", prop.model, false);
}

function condition(cond: Cond, add: Add): void {
  add("stream", cond.source, false);
  add("metric", cond.metric, false, { kind: "stream", name: cond.source.text });
}

function retryTargets(props: readonly (GateProp | ReviewProp)[], add: Add): void {
  for (const prop of props) if (prop.kind === "else" && prop.action.kind === "retry") add("stream", prop.action.target, false);
}

/** The occurrence under (or just after) the offset, by binary search over the sorted list. */
export function occurrenceAt(occurrences: readonly Occurrence[], offset: number): Occurrence | undefined {
  let low = 0;
  let high = occurrences.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = occurrences[mid]!.range;
    if (offset < range.start.offset) high = mid - 1;
    else if (offset > range.end.offset) low = mid + 1;
    else return occurrences[mid];
  }
  return undefined;
}
