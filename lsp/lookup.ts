// Finding declarations from the AST alone (the document's and its imports'), so that definition,
// hover and completion work in a file whose errors leave no semantic model. Where a name is
// declared twice, the first declaration in the compiler's order wins: imports, then the file's top
// level, then the flow (compiler/catalog.ts).
import type { Decl, FlowFile, Ident, ModelDecl, OpDecl, Range, StreamDecl } from "../syntax/ast";
import { isStreamDecl } from "../syntax/ast";
import { BUILTIN_OPS } from "../compiler/builtins";
import type { AnalyzedDocument } from "./documents";
import type { NameKind, Occurrence } from "./names";

export interface Location {
  uri: string;
  range: Range;
}

/** A model or op declaration and the document it is in. */
export interface Declared<D> {
  decl: D;
  uri: string;
}

/** The declaration (top level or in the flow) whose range holds the offset. */
export function declAt(file: FlowFile, offset: number): Decl | undefined {
  const inRange = (d: { range: Range }) => d.range.start.offset <= offset && offset <= d.range.end.offset;
  return file.decls.find(inRange) ?? file.flow?.decls.find(inRange);
}

/** The first declaration of each stream name, per file: look-ups by name stay O(1) in a large flow. */
const streamIndex = new WeakMap<FlowFile, Map<string, StreamDecl>>();

export function streamDecl(file: FlowFile, name: string): StreamDecl | undefined {
  let index = streamIndex.get(file);
  if (!index) {
    index = new Map();
    for (const decl of streamDecls(file)) if (!index.has(decl.name.text)) index.set(decl.name.text, decl);
    streamIndex.set(file, index);
  }
  return index.get(name);
}

export function streamDecls(file: FlowFile): StreamDecl[] {
  return (file.flow?.decls ?? []).filter(isStreamDecl);
}

/** Every model or op declaration visible to the document, in the compiler's order. */
export function catalogDecls<K extends "model" | "op">(doc: AnalyzedDocument, kind: K): Declared<Extract<Decl, { kind: K }>>[] {
  type D = Extract<Decl, { kind: K }>;
  const of = (decls: readonly Decl[], uri: string) => decls.filter((d): d is D => d.kind === kind).map((decl) => ({ decl, uri }));
  const ast = doc.analysis.ast;
  return [...doc.imports.flatMap((i) => of(i.ast.decls, i.uri)), ...of(ast.decls, doc.uri), ...of(ast.flow?.decls ?? [], doc.uri)];
}

export function modelDecl(doc: AnalyzedDocument, name: string): Declared<ModelDecl> | undefined {
  return catalogDecls(doc, "model").find((d) => d.decl.name.text === name);
}

export function opDecl(doc: AnalyzedDocument, name: string): Declared<OpDecl> | undefined {
  return catalogDecls(doc, "op").find((d) => d.decl.name.text === name);
}

/** Metric names and ranges of an op: a declared op's, else a built-in's. */
export function opMetrics(doc: AnalyzedDocument, op: string): { name: string; min: string; max: string; declared?: Location }[] {
  const declared = opDecl(doc, op);
  if (declared) {
    return declared.decl.props.flatMap((p) =>
      p.kind === "metric" ? [{ name: p.name.text, min: p.min.value, max: p.max.value, declared: { uri: declared.uri, range: p.name.range } }] : [],
    );
  }
  return Object.entries(BUILTIN_OPS.get(op)?.metrics ?? {}).map(([name, r]) => ({ name, ...r }));
}

/**
 * The op whose outputs a stream's items are: a node's own op; a gate's, review's or select's
 * source's (their items are the items they check). Undefined for inputs and unknown names.
 */
export function producingOp(file: FlowFile, stream: string): string | undefined {
  const seen = new Set<string>();
  for (let decl = streamDecl(file, stream); decl && !seen.has(decl.name.text); decl = streamDecl(file, sourceOf(decl) ?? "")) {
    seen.add(decl.name.text);
    if (decl.kind === "node") return decl.op.text;
  }
  return undefined;
}

function sourceOf(decl: StreamDecl): string | undefined {
  switch (decl.kind) {
    case "gate":
      return decl.conds[0]?.source.text;
    case "review":
      return decl.source.name.text;
    case "select":
      return decl.source.text;
    default:
      return undefined;
  }
}

/** Where the symbol of an occurrence is declared; empty for built-in ops and metrics and unknown names. */
export function declarationOf(doc: AnalyzedDocument, occurrence: Pick<Occurrence, "kind" | "name" | "owner">): Location | undefined {
  switch (occurrence.kind) {
    case "stream": {
      const decl = streamDecl(doc.analysis.ast, occurrence.name);
      return decl && { uri: doc.uri, range: decl.name.range };
    }
    case "model":
    case "op": {
      const found = occurrence.kind === "model" ? modelDecl(doc, occurrence.name) : opDecl(doc, occurrence.name);
      return found && { uri: found.uri, range: found.decl.name.range };
    }
    case "metric": {
      const op = metricOp(doc, occurrence);
      return op === undefined ? undefined : opMetrics(doc, op).find((m) => m.name === occurrence.name)?.declared;
    }
  }
}

/** The op a metric occurrence belongs to. */
export function metricOp(doc: AnalyzedDocument, occurrence: Pick<Occurrence, "owner">): string | undefined {
  const owner = occurrence.owner;
  if (!owner) return undefined;
  return owner.kind === "op" ? owner.name : producingOp(doc.analysis.ast, owner.name);
}

/** The identifier a declaration is known by (budget and output blocks have none). */
export function declName(decl: Decl): Ident | undefined {
  return decl.kind === "budget" || decl.kind === "output" ? undefined : decl.name;
}

export const RENAMEABLE: ReadonlySet<NameKind> = new Set(["stream", "model", "op"]);
