// The stream graph of a flow: one namespace of stream names (FLOW202), every reference resolved
// (FLOW201), cycles (FLOW203) and an order in which each stream follows every stream it reads.
import type { Decl, FlowDecl, Ident, Ref, StreamDecl } from "../syntax/ast";
import { isStreamDecl } from "../syntax/ast";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import { didYouMean } from "./suggest";

export interface StreamGraph {
  /** the first declaration of each stream name, in declaration order */
  decls: Map<string, StreamDecl>;
  /** every stream name; each comes after the streams it reads (cycle members in an arbitrary but fixed order) */
  order: string[];
}

const NO_TARGETS: number[] = [];

/** The numbers of the declared streams a declaration reads (the order's hot path on large flows: no lists of names). */
function targetsOf(decl: StreamDecl, position: Map<string, number>): number[] {
  let targets = NO_TARGETS;
  const add = (name: string) => {
    const target = position.get(name);
    if (target === undefined) return;
    if (targets === NO_TARGETS) targets = [];
    targets.push(target);
  };
  if (decl.kind === "node") for (const arg of decl.args) add(arg.ref.name.text);
  else if (decl.kind === "gate") for (const cond of decl.conds) add(cond.source.text);
  else if (decl.kind === "review") add(decl.source.name.text);
  else if (decl.kind === "select") add(decl.source.text);
  return targets;
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

export function buildGraph(flow: FlowDecl, sink: Diagnostic[]): StreamGraph {
  const decls = declareStreams(flow, sink);
  for (const decl of flow.decls) checkRefs(decl, decls, sink);
  const order = orderStreams(decls, sink);
  return { decls, order };
}

function declareStreams(flow: FlowDecl, sink: Diagnostic[]): Map<string, StreamDecl> {
  const decls = new Map<string, StreamDecl>();
  for (const decl of flow.decls) {
    if (!isStreamDecl(decl)) continue;
    const earlier = decls.get(decl.name.text);
    if (earlier) sink.push(diag("FLOW202", `duplicate name '${decl.name.text}' (first declared on line ${earlier.name.range.start.line})`, decl.name.range));
    else decls.set(decl.name.text, decl);
  }
  return decls;
}

function checkRefs(decl: Decl, decls: Map<string, StreamDecl>, sink: Diagnostic[]): void {
  switch (decl.kind) {
    case "node":
      for (const arg of decl.args) checkRef(arg.ref, decls, sink);
      break;
    case "gate":
      for (const cond of decl.conds) checkName(cond.source, decls, sink);
      break;
    case "review":
      checkRef(decl.source, decls, sink);
      break;
    case "select":
      checkName(decl.source, decls, sink);
      break;
    case "output":
      for (const ref of decl.refs) checkRef(ref, decls, sink);
      break;
  }
  if (decl.kind === "gate" || decl.kind === "review") {
    for (const prop of decl.props) if (prop.kind === "else" && prop.action.kind === "retry") checkName(prop.action.target, decls, sink);
  }
}

function checkName(ident: Ident, decls: Map<string, StreamDecl>, sink: Diagnostic[]): void {
  if (!decls.has(ident.text)) sink.push(diag("FLOW201", `unknown name '${ident.text}'${didYouMean(ident.text, decls.keys())}`, ident.range));
}

function checkRef(r: Ref, decls: Map<string, StreamDecl>, sink: Diagnostic[]): void {
  const target = decls.get(r.name.text);
  if (!target) checkName(r.name, decls, sink);
  else if (r.rejected && target.kind !== "gate" && target.kind !== "review") {
    sink.push(diag("FLOW201", `'${r.name.text}' is ${article(target.kind)}: only gates and reviews have '.rejected'`, r.rejected));
  }
}

export function article(kind: StreamDecl["kind"]): string {
  return kind === "input" ? "an input" : `a ${kind}`;
}

/**
 * Whether every stream reads only streams declared before it (as flows are usually written):
 * Tarjan's walk below then gives the declaration order itself, so it is not needed.
 */
function readsOnlyEarlier(decls: Map<string, StreamDecl>): boolean {
  const seen = new Set<string>();
  const earlier = (name: string) => seen.has(name) || !decls.has(name);
  for (const [name, decl] of decls) {
    if (decl.kind === "node") {
      for (const arg of decl.args) if (!earlier(arg.ref.name.text)) return false;
    } else if (decl.kind === "gate") {
      for (const cond of decl.conds) if (!earlier(cond.source.text)) return false;
    } else if (decl.kind === "review" ? !earlier(decl.source.name.text) : decl.kind === "select" && !earlier(decl.source.text)) return false;
    seen.add(name);
  }
  return true;
}

/**
 * Tarjan's strongly connected components over "reads" edges, iterative so that long chains do not
 * exhaust the stack. Components come out readers-last, which is the order the model needs.
 * Streams are numbered in declaration order and the walk runs on the numbers (it is on the
 * resolver's hot path for large flows).
 */
function orderStreams(decls: Map<string, StreamDecl>, sink: Diagnostic[]): string[] {
  const names = [...decls.keys()];
  if (readsOnlyEarlier(decls)) return names;
  const count = names.length;
  const position = new Map<string, number>();
  for (let i = 0; i < count; i++) position.set(names[i]!, i);
  const edges: number[][] = [];
  for (const decl of decls.values()) edges.push(targetsOf(decl, position));
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const workNode: number[] = [];
  const workNext: number[] = [];
  const order: string[] = [];
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
        order.push(names[v]!);
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
      const inDeclOrder = component.sort((a, b) => a - b).map((m) => names[m]!);
      order.push(...inDeclOrder);
      {
        const byName = new Map(names.map((n, i) => [n, edges[i]!.map((t) => names[t]!)]));
        sink.push(cycleDiagnostic(inDeclOrder, decls, byName));
      }
    }
  }
  return order;
}

/** One cycle through the component, starting at its first declared member, in data-flow order. */
function cycleDiagnostic(component: string[], decls: Map<string, StreamDecl>, edges: Map<string, string[]>): Diagnostic {
  const start = component[0]!;
  const members = new Set(component);
  // Breadth-first from `start` along data flow (from a stream to its readers) back to `start`.
  const cameFrom = new Map<string, string>();
  const queue = [start];
  let last: string | undefined;
  while (queue.length > 0 && last === undefined) {
    const current = queue.shift()!;
    for (const reader of component) {
      if (!edges.get(reader)!.includes(current) || !members.has(reader)) continue;
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
  const closing = readsOf(decls.get(start)!).find((ident) => ident.text === last)!;
  return diag("FLOW203", `cycle: ${[...path, start].join(" → ")}`, closing.range);
}
