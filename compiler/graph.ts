// The stream graph of a flow: one namespace of stream names (FLOW202), every reference resolved
// (FLOW201), cycles (FLOW203) and an order in which each stream follows every stream it reads.
// Streams are numbered in declaration order and every reference is looked up once, here: the model
// builder and the checks read the numbers (on large flows, name lookups were most of the resolver's
// time).
import type { GateDecl, Ident, OutputDecl, Ref, ReviewDecl, StreamDecl } from "../syntax/ast";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { didYouMean } from "./suggest";

/** References side by side with the number of the stream each names (-1: an unknown name). */
export interface ResolvedRefs {
  refs: Ref[];
  streams: number[];
}

export interface StreamGraph {
  /** the first declaration of each stream name, in declaration order: a stream's number is its place here */
  decls: StreamDecl[];
  /** each stream name's number */
  numbers: Map<string, number>;
  /**
   * What each stream reads, as its declaration names them (node arguments, gate conditions, a
   * review's or a select's source): stream i's are reads[readsFrom[i]] up to reads[readsFrom[i + 1]].
   */
  reads: number[];
  readsFrom: number[];
  /** the stream each stream reads through its primary input (-1: none, or an unknown name) */
  primary: number[];
  /** every reference of the `output` declarations, in order */
  outputs: ResolvedRefs;
  /** every `.rejected` reference of a gate or a review (node arguments, review sources, outputs) */
  rejectedReads: ResolvedRefs;
  /** stream numbers; each comes after the streams it reads (cycle members in declaration order) */
  order: number[];
  /** whether `order` is the declaration order (every stream reads only streams declared before it) */
  declarationOrder: boolean;
}

/**
 * Builds the graph in as few passes over the declarations as there can be (on a large flow, each
 * pass over the syntax tree costs as much as the work it does): every stream declaration is
 * declared first, then each one, repeats included, is resolved in declaration order — the caller
 * builds its stream in the same pass — and the outputs; `finish` orders the streams.
 */
export class GraphBuilder {
  private readonly decls: StreamDecl[] = [];
  private readonly numbers = new Map<string, number>();
  private readonly reads: number[] = [];
  private readonly readsFrom: number[] = [];
  private readonly primary: number[] = [];
  private readonly outputs: ResolvedRefs = { refs: [], streams: [] };
  private readonly rejectedReads: ResolvedRefs = { refs: [], streams: [] };
  /** the number of the declaration being resolved; -1 for a repeated name (its references are checked, not kept) */
  private self = -1;
  private next = 0;
  /** whether every stream reads only streams declared before it, as flows are usually written */
  private ordered = true;

  constructor(private readonly sink: Diagnostic[]) {}

  declare(decl: StreamDecl): void {
    const name = decl.name.text;
    const earlier = this.numbers.get(name);
    if (earlier === undefined) {
      this.numbers.set(name, this.decls.length);
      this.decls.push(decl);
      return;
    }
    const line = this.decls[earlier]!.name.range.start.line;
    this.sink.push(diag("FLOW202", `duplicate name '${name}' (first declared on line ${line})`, decl.name.range));
  }

  resolveOutput(decl: OutputDecl): void {
    for (const ref of decl.refs) {
      this.outputs.refs.push(ref);
      this.outputs.streams.push(this.lookUpRef(ref));
    }
  }

  /** Returns the stream's number, or -1 for a repeated name (whose references are checked but not kept). */
  resolveStream(decl: StreamDecl): number {
    this.self = this.decls[this.next] === decl ? this.next++ : -1;
    if (this.self >= 0) this.readsFrom.push(this.reads.length);
    const primary = this.readAll(decl);
    if (this.self >= 0) this.primary.push(primary);
    return this.self;
  }

  /** Every stream the declaration reads; returns the one it reads through its primary input. */
  private readAll(decl: StreamDecl): number {
    switch (decl.kind) {
      case "input":
        return -1;
      case "node": {
        let primary = -1;
        let positional = false;
        for (const arg of decl.args) {
          const n = this.read(this.lookUpRef(arg.ref));
          if (arg.kind !== "positional" || positional) continue;
          primary = n;
          positional = true;
        }
        return primary;
      }
      case "gate": {
        let primary = -1;
        for (let i = 0; i < decl.conds.length; i++) {
          const n = this.read(this.lookUp(decl.conds[i]!.source));
          if (i === 0) primary = n;
        }
        this.lookUpRetryTarget(decl);
        return primary;
      }
      case "review":
        this.lookUpRetryTarget(decl);
        return this.read(this.lookUpRef(decl.source));
      case "select":
        return this.read(this.lookUp(decl.source));
    }
  }

  private read(n: number): number {
    if (this.self < 0) return n;
    this.reads.push(n);
    if (n >= this.self) this.ordered = false;
    return n;
  }

  /** The number of the stream a name names, or -1 after a FLOW201. */
  private lookUp(ident: Ident): number {
    const n = this.numbers.get(ident.text);
    if (n !== undefined) return n;
    this.sink.push(diag("FLOW201", `unknown name '${ident.text}'${didYouMean(ident.text, this.numbers.keys())}`, ident.range));
    return -1;
  }

  private lookUpRef(ref: Ref): number {
    const n = this.lookUp(ref.name);
    if (n < 0 || !ref.rejected) return n;
    const kind = this.decls[n]!.kind;
    if (kind === "gate" || kind === "review") {
      this.rejectedReads.refs.push(ref);
      this.rejectedReads.streams.push(n);
    } else this.sink.push(diag("FLOW201", `'${ref.name.text}' is ${article(kind)}: only gates and reviews have '.rejected'`, ref.rejected));
    return n;
  }

  private lookUpRetryTarget(decl: GateDecl | ReviewDecl): void {
    for (const prop of decl.props) if (prop.kind === "else" && prop.action.kind === "retry") this.lookUp(prop.action.target);
  }

  finish(): StreamGraph {
    const count = this.decls.length;
    this.readsFrom.push(this.reads.length);
    const { decls, numbers, reads, readsFrom, primary, outputs, rejectedReads } = this;
    const graph: StreamGraph = { decls, numbers, reads, readsFrom, primary, outputs, rejectedReads, order: [], declarationOrder: this.ordered };
    graph.order = this.ordered ? declarationOrder(count) : orderStreams(graph, this.sink);
    return graph;
  }
}

function declarationOrder(count: number): number[] {
  const order = new Array<number>(count);
  for (let n = 0; n < count; n++) order[n] = n;
  return order;
}

/** A stream read by a declaration: its primary or named arguments, or a gate's condition sources. */
export function readsOf(decl: StreamDecl): Ident[] {
  switch (decl.kind) {
    case "input":
      return [];
    case "node":
      return decl.args.map((arg) => arg.ref.name);
    case "gate":
      return decl.conds.map((cond) => cond.source);
    case "review":
      return [decl.source.name];
    case "select":
      return [decl.source];
  }
}

export function article(kind: StreamDecl["kind"]): string {
  return kind === "input" ? "an input" : `a ${kind}`;
}

/** The streams each stream reads, by number, unknown names left out. */
function edgesOf(graph: StreamGraph): number[][] {
  const edges: number[][] = [];
  for (let v = 0; v < graph.decls.length; v++) {
    edges.push(graph.reads.slice(graph.readsFrom[v], graph.readsFrom[v + 1]).filter((n) => n >= 0));
  }
  return edges;
}

/**
 * Tarjan's strongly connected components over "reads" edges, iterative so that long chains do not
 * exhaust the stack. Components come out readers-last, which is the order the model needs.
 */
function orderStreams(graph: StreamGraph, sink: Diagnostic[]): number[] {
  const count = graph.decls.length;
  const edges = edgesOf(graph);
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const workNode: number[] = [];
  const workNext: number[] = [];
  const order: number[] = [];
  let counter = 0;
  const visit = (v: number) => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    workNode.push(v);
    workNext.push(0);
  };
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    visit(root);
    while (workNode.length > 0) {
      const top = workNode.length - 1;
      const v = workNode[top]!;
      const targets = edges[v]!;
      if (workNext[top]! < targets.length) {
        const w = targets[workNext[top]!++]!;
        if (index[w] === -1) visit(w);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      workNode.pop();
      workNext.pop();
      if (workNode.length > 0) {
        const parent = workNode[workNode.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      if (stack[stack.length - 1] === v && !targets.includes(v)) {
        // a component of one stream that does not read itself: no cycle (nearly every stream)
        stack.pop();
        onStack[v] = 0;
        order.push(v);
        continue;
      }
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop()!;
        onStack[member] = 0;
        component.push(member);
      } while (member !== v);
      // numbers are declaration order
      component.sort((a, b) => a - b);
      order.push(...component);
      sink.push(cycleDiagnostic(component, graph.decls, edges));
    }
  }
  return order;
}

/** One cycle through the component, starting at its first declared member, in data-flow order. */
function cycleDiagnostic(component: number[], decls: readonly StreamDecl[], edges: readonly number[][]): Diagnostic {
  const start = component[0]!;
  const members = new Set(component);
  // Breadth-first from `start` along data flow (from a stream to its readers) back to `start`.
  const cameFrom = new Map<number, number>();
  const queue = [start];
  let last: number | undefined;
  while (queue.length > 0 && last === undefined) {
    const current = queue.shift()!;
    for (const reader of component) {
      if (!edges[reader]!.includes(current) || !members.has(reader)) continue;
      if (reader === start) {
        last = current;
        break;
      }
      if (!cameFrom.has(reader)) {
        cameFrom.set(reader, current);
        queue.push(reader);
      }
    }
  }
  const path = [start];
  for (let at = last!; at !== start; at = cameFrom.get(at)!) path.splice(1, 0, at);
  const name = (n: number) => decls[n]!.name.text;
  const closing = readsOf(decls[start]!).find((ident) => ident.text === name(last!))!;
  return diag("FLOW203", `cycle: ${[...path, start].map(name).join(" → ")}`, closing.range);
}
