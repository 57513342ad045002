// Name resolution and the semantic model. `resolveFlow` builds the FlowModel of compiler/model.ts
// from a parsed file and its parsed imports (no IO here), and runs every semantic check (FLOW2xx,
// FLOW305, FLOW306, FLOW407, FLOW408). Budget figures against cost come from budget-checks.ts.
import type { BudgetDecl, FlowDecl, FlowFile, ModelDecl, OpDecl, OutputDecl, StreamDecl } from "../syntax/ast";
import { isStreamDecl } from "../syntax/ast";
import { buildCatalog, type Catalog, type CatalogMemo, type DeclSource } from "./catalog";
import type { OpInfo } from "./builtins";
import { semanticChecks } from "./checks/all";
import { diag, sortDiagnostics, type Diagnostic, type DiagnosticCode } from "../syntax/diagnostics";
import { GraphBuilder, type StreamGraph } from "./graph";
import type { FlowModel, GateStream, ModelInfo, NodeStream, Stream, StreamRef } from "./model";
import { budgetOf, gateStream, inputStream, nodeStream, reviewStream, selectStream } from "./streams";
import type { NumberedStreams } from "./checks/walk";
import { retryPaths } from "./checks/retry";

export interface ImportedFile {
  /** as the caller names it; diagnostics located in this file carry it as `file` */
  path: string;
  ast: FlowFile;
}

export interface Resolution {
  /** absent when the file has no flow or errors leave the model meaningless */
  model?: FlowModel;
  /** sorted; those located in an imported file carry its path as `file` */
  diagnostics: Diagnostic[];
}

/**
 * Errors after which the model still means what the flow says: the cost analysis does not read
 * metrics or params. Any other error drops the model.
 */
const HARMLESS_ERRORS: ReadonlySet<DiagnosticCode> = new Set(["FLOW204", "FLOW205", "FLOW210"]);

/**
 * What a resolution of one version of a file can hand the next: the streams and catalog entries
 * built from declarations that are still the same objects (the language server's incremental
 * parse keeps untouched declarations), found again by identity. Only what was built without a
 * diagnostic is kept, and a stream only while the models and ops it looked up are the same.
 */
export class ResolveMemo {
  readonly catalog: CatalogMemo = { models: new WeakMap(), ops: new WeakMap() };
  private readonly streams = new WeakMap<StreamDecl, { stream: Stream; op?: OpInfo; model?: ModelInfo }>();

  stream(decl: StreamDecl, catalog: Catalog, sink: Diagnostic[]): Stream {
    const known = this.streams.get(decl);
    if (known && (known.stream.kind !== "node" || (catalog.ops.get(known.stream.op.name) === known.op && lookedUp(decl, catalog) === known.model))) return known.stream;
    const local: Diagnostic[] = [];
    const stream = buildStream(decl, catalog, local);
    sink.push(...local);
    // a gate's retry chain is set by the model builder each time: such gates are built afresh
    if (local.length === 0 && !(stream.kind === "gate" && stream.retry)) {
      this.streams.set(decl, stream.kind === "node" ? { stream, op: stream.op, model: stream.model } : { stream });
    }
    return stream;
  }
}

function lookedUp(decl: StreamDecl, catalog: Catalog): ModelInfo | undefined {
  if (decl.kind !== "node") return undefined;
  const prop = decl.props.find((p) => p.kind === "model");
  return prop?.kind === "model" ? catalog.models.get(prop.model.text) : undefined;
}

export function resolveFlow(file: FlowFile, imports: readonly ImportedFile[], memo?: ResolveMemo): Resolution {
  const sink: Diagnostic[] = [];
  const flow = file.flow;
  const graph = new GraphBuilder(sink);
  const parts = partsOf(flow, graph);
  const catalog = buildCatalog(declSources(file, imports, parts.catalog), sink, memo?.catalog);
  let model: FlowModel | undefined;
  if (flow) {
    const numbered = buildStreams(flow, parts.outputs, graph, catalog, sink, memo);
    model = buildModel(flow, parts.budgets, numbered, sink);
    semanticChecks(model, catalog, numbered, sink);
  }
  const meaningful = !sink.some((d) => d.severity === "error" && !HARMLESS_ERRORS.has(d.code));
  return { ...(model && meaningful ? { model } : {}), diagnostics: sortDiagnostics(sink) };
}

/** A flow's declarations other than streams by what reads them, each in order; the streams' names are declared to the graph on the way. */
interface FlowParts {
  outputs: OutputDecl[];
  budgets: BudgetDecl[];
  catalog: (ModelDecl | OpDecl)[];
}

function partsOf(flow: FlowDecl | undefined, graph: GraphBuilder): FlowParts {
  const parts: FlowParts = { outputs: [], budgets: [], catalog: [] };
  const decls = flow?.decls ?? [];
  for (let i = 0; i < decls.length; i++) {
    const decl = decls[i]!;
    if (decl.kind === "output") parts.outputs.push(decl);
    else if (decl.kind === "budget") parts.budgets.push(decl);
    else if (decl.kind === "model" || decl.kind === "op") parts.catalog.push(decl);
    else graph.declare(decl);
  }
  return parts;
}

/** Imports first, then the file's top level, then the flow: a later repeat is the duplicate. */
function declSources(file: FlowFile, imports: readonly ImportedFile[], inFlow: readonly (ModelDecl | OpDecl)[]): DeclSource[] {
  // An imported flow is the caller's FLOW102; only the import's top-level declarations count.
  return [...imports.map((i) => ({ decls: i.ast.decls, file: i.path })), { decls: file.decls }, { decls: inFlow }];
}

/** Each declared stream, built in the pass that resolves its references. */
function buildStreams(flow: FlowDecl, outputs: readonly OutputDecl[], builder: GraphBuilder, catalog: Catalog, sink: Diagnostic[], memo: ResolveMemo | undefined): { graph: StreamGraph; streams: Stream[] } {
  // first declarations come in number order: stream n is pushed n-th
  const streams: Stream[] = [];
  for (let i = 0; i < flow.decls.length; i++) {
    const decl = flow.decls[i]!;
    if (!isStreamDecl(decl)) continue;
    const n = builder.resolveStream(decl); // repeated names too: their references are checked
    if (n >= 0) streams.push(memo ? memo.stream(decl, catalog, sink) : buildStream(decl, catalog, sink));
  }
  for (const output of outputs) builder.resolveOutput(output);
  return { graph: builder.finish(), streams };
}

type Readers = ReturnType<FlowModel["consumers"]["get"]> & {};

// Nobody reads most streams' `.rejected` items: their entries share one empty list (the model is
// read, never changed), and a list is made with its first reader, with no spare room.
const NO_READERS: string[] = Object.freeze([]) as unknown as string[];

function withReader(readers: string[], name: string): string[] {
  if (readers === NO_READERS) return [name];
  readers.push(name);
  return readers;
}

/** The streams in the graph's order, and what the model indexes by them, gathered in one walk. */
class ModelStreams {
  /** the model's `streams`: in declaration order (as flows are usually written), the numbered list itself */
  readonly ordered: Stream[];
  readonly byName = new Map<string, Stream>();
  readonly consumers: FlowModel["consumers"] = new Map();
  private readonly readers: (Readers | undefined)[];

  constructor(
    private readonly graph: StreamGraph,
    /** by number */
    private readonly streams: Stream[],
  ) {
    this.ordered = graph.declarationOrder ? streams : [];
    this.readers = new Array<Readers | undefined>(streams.length);
    for (let i = 0; i < graph.order.length; i++) this.add(graph.order[i]!, streams[graph.order[i]!]!);
  }

  private add(n: number, stream: Stream): void {
    if (!this.graph.declarationOrder) this.ordered.push(stream);
    this.byName.set(stream.name, stream);
    const primary = this.graph.primary[n]!;
    if (primary >= 0) this.readsFrom(primary, stream);
    if (stream.kind === "node" && stream.named.length > 0) this.shareNamedArgs(stream);
  }

  /**
   * Every reference holds the very string of the stream's own name: the analysis keys its maps by
   * names, and equal strings that are one object compare without reading their characters.
   */
  private readsFrom(source: number, reader: Stream): void {
    const name = this.streams[source]!.name;
    let rejected = false;
    if (reader.kind === "select") reader.source = name;
    else if (reader.kind !== "input" && reader.source) {
      reader.source.name = name;
      rejected = reader.source.rejected;
    }
    let known = this.readers[source];
    if (!known) this.consumers.set(name, (known = this.readers[source] = { pass: NO_READERS, rejected: NO_READERS }));
    if (rejected) known.rejected = withReader(known.rejected, reader.name);
    else known.pass = withReader(known.pass, reader.name);
  }

  private shareNamedArgs(node: NodeStream): void {
    for (const arg of node.named) {
      const target = this.graph.numbers.get(arg.ref.name);
      if (target !== undefined) arg.ref.name = this.streams[target]!.name;
    }
  }
}

/** The model, complete before any check reads it: every valid retry path is its gate's chain (FLOW208 otherwise). */
function buildModel(flow: FlowDecl, budgets: BudgetDecl[], numbered: { graph: StreamGraph; streams: Stream[] }, sink: Diagnostic[]): FlowModel {
  const { ordered: streams, byName, consumers } = new ModelStreams(numbered.graph, numbered.streams);
  const budget = budgetOf(budgets, sink);
  const model: FlowModel = { name: flow.name.text, decl: flow, streams, byName, consumers, outputs: outputsOf(numbered, sink) };
  if (budget) model.budget = budget;
  const retries = retryPaths(model);
  sink.push(...retries.diagnostics);
  for (const [gate, chain] of retries.chains) {
    const g = byName.get(gate) as GateStream;
    g.retry = { ...g.retry!, chain };
  }
  return model;
}

function buildStream(decl: StreamDecl, catalog: Catalog, sink: Diagnostic[]): Stream {
  switch (decl.kind) {
    case "input":
      return inputStream(decl, sink);
    case "node":
      return nodeStream(decl, catalog, sink);
    case "gate":
      return gateStream(decl, sink);
    case "review":
      return reviewStream(decl, sink);
    case "select":
      return selectStream(decl, sink);
  }
}

/** The outputs, each stream's pass or `.rejected` items once (FLOW212 on a repeat). */
function outputsOf({ graph, streams }: NumberedStreams, sink: Diagnostic[]): StreamRef[] {
  const { refs, streams: targets } = graph.outputs;
  // which reference (counted from 1) first output each stream's pass items (2n) and `.rejected` items (2n + 1)
  const first = new Int32Array(2 * streams.length);
  const outputs: StreamRef[] = [];
  for (let i = 0; i < refs.length; i++) {
    const n = targets[i]!;
    if (n < 0) continue; // FLOW201
    const ref = refs[i]!;
    const rejected = ref.rejected !== undefined;
    const slot = 2 * n + (rejected ? 1 : 0);
    if (first[slot] === 0) {
      first[slot] = i + 1;
      outputs.push({ name: streams[n]!.name, rejected });
    } else {
      const line = refs[first[slot]! - 1]!.range.start.line;
      sink.push(diag("FLOW212", `'${ref.name.text}${rejected ? ".rejected" : ""}' is already an output (line ${line})`, ref.range));
    }
  }
  return outputs;
}
