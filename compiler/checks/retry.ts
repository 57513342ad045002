// FLOW208: `else retry NODE up to K` runs the items again from NODE, so NODE must be the gate's
// source or an ancestor reached through nodes only, and every node on the way must feed nothing
// but the next one (a re-run must not send extra items anywhere else) with one variant per item.
// Pure: the model builder (resolve.ts) puts each valid path into its gate as `retry.chain`, the
// one source of retry chains for the cost analysis, codegen's FlowGraph and so the runtime.
import type { Ident } from "../../syntax/ast";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel, GateStream, NodeStream } from "../model";
import { article } from "../graph";
import { namedUses } from "./walk";

export interface RetryPaths {
  /** gate name → its chain: node names from the retry target down to the gate's source */
  chains: Map<string, string[]>;
  diagnostics: Diagnostic[];
}

export function retryPaths(model: FlowModel): RetryPaths {
  const found: RetryPaths = { chains: new Map(), diagnostics: [] };
  let elsewhere: Elsewhere | undefined;
  for (let i = 0; i < model.streams.length; i++) {
    const gate = model.streams[i]!;
    if (gate.kind !== "gate" || !gate.retry) continue;
    elsewhere ??= { uses: namedUses(model), outputs: new Set(model.outputs.map((o) => o.name)) };
    retryPath(model, gate, gate.retry.target, elsewhere, found);
  }
  return found;
}

/** Where else a node's items may go: named arguments and outputs. */
interface Elsewhere {
  uses: Map<string, NodeStream[]>;
  outputs: Set<string>;
}

/**
 * One gate's chain, or its FLOW208, into `found`. (Not in the loop above: closures there would
 * make every step over the streams allocate a scope.)
 */
function retryPath(model: FlowModel, gate: GateStream, targetName: string, elsewhere: Elsewhere, found: RetryPaths): void {
  const target = retryTarget(gate);
  const result = retryChain(model, gate, targetName);
  if (typeof result === "string") {
    if (target) found.diagnostics.push(diag("FLOW208", result, target.range));
    return;
  }
  const problem = result.map((node, i) => feedsElsewhere(model, node, result[i + 1]?.name ?? gate.name, elsewhere)).find((p) => p !== undefined);
  if (problem && target) found.diagnostics.push(diag("FLOW208", `cannot retry from '${targetName}': ${problem}`, target.range));
  else found.chains.set(gate.name, result.map((node) => node.name));
}

function retryTarget(gate: GateStream): Ident | undefined {
  for (const prop of gate.decl.kind === "gate" || gate.decl.kind === "review" ? gate.decl.props : []) {
    if (prop.kind === "else" && prop.action.kind === "retry") return prop.action.target;
  }
  return undefined;
}

/** The nodes from the target down to the gate's source, or why there is no such path. */
function retryChain(model: FlowModel, gate: GateStream, targetName: string): NodeStream[] | string {
  const target = model.byName.get(targetName);
  if (!target || !model.byName.has(gate.source.name)) return []; // unknown name: FLOW201
  if (target.kind !== "node") return `retry target '${targetName}' is ${article(target.decl.kind)}: only a node can run again`;
  const chain: NodeStream[] = [];
  let current = gate.source.rejected ? undefined : model.byName.get(gate.source.name);
  while (current?.kind === "node" && !chain.includes(current)) {
    chain.unshift(current);
    if (current === target) return chain;
    current = current.source && !current.source.rejected ? model.byName.get(current.source.name) : undefined;
  }
  return `retry target '${targetName}' must be '${gate.source.name}' or a node upstream of it through nodes only`;
}

function feedsElsewhere(model: FlowModel, node: NodeStream, next: string, { uses, outputs }: Elsewhere): string | undefined {
  const others = (model.consumers.get(node.name)?.pass ?? []).filter((c) => c !== next);
  if (others.length > 0) return `'${node.name}' also feeds '${others[0]}'`;
  const user = uses.get(node.name)?.[0];
  if (user) return `'${node.name}' is a named argument of '${user.name}'`;
  if (outputs.has(node.name)) return `'${node.name}' is an output`;
  if (node.variants > 1) return `'${node.name}' has ${node.variants} variants`;
  return undefined;
}
