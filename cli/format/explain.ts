// `flowc cost --explain`: the witness — one execution that spends exactly the worst case — told
// as facts (input counts, gate outcomes per round, calls per round) and the reasons it costs most.
import type { CostReport, Witness } from "../../compiler/cost-report";
import type { FlowModel } from "../../compiler/model";
import type { NameStyle } from "./cost-figures";
import { plural } from "./text";
import { roundNumber } from "../../syntax/figures";

export interface Explanation {
  inputs: string;
  /** one line per gate or review and per node */
  steps: { name: string; kind: string; rounds: string }[];
  reasons: string[];
}

type WitnessGate = Witness["gates"][number];
type WitnessNode = Witness["nodes"][number];

export function explainWitness(report: CostReport, model: FlowModel | undefined, name: NameStyle): Explanation {
  const witness = countRoundsFromOne(report.witness);
  const inputs = witness.inputs.map((i) => `${i.name} ${i.count}`).join(", ");
  const cached = new Set(report.nodes.filter((n) => n.cacheHit).map((n) => n.name));
  const steps = inFlowOrder(
    [
      ...witness.gates.map((g) => ({ name: g.name, kind: g.human ? "review" : "gate", rounds: gateRounds(g) })),
      ...witness.nodes.map((n) => ({ name: n.name, kind: "node", rounds: cached.has(n.name) ? "cache hit: no calls" : nodeRounds(n) })),
    ],
    model,
  );
  const reasons = [
    ...inputReasons(witness, model, name),
    ...witness.nodes.filter((n) => !cached.has(n.name)).flatMap((n) => attemptReason(n, name)),
    ...witness.gates.map((g) => gateReason(g, name)),
  ];
  return { inputs: inputs === "" ? "none" : inputs, steps, reasons };
}

/** Rounds as people count them, from 1 (syntax/figures.ts `roundNumber`), as JSON and hover show them. */
function countRoundsFromOne(witness: Witness): Witness {
  const shift = roundNumber(0);
  return {
    inputs: witness.inputs,
    gates: witness.gates.map((g) => ({ ...g, rounds: g.rounds.map((r) => ({ ...r, round: r.round + shift })) })),
    nodes: witness.nodes.map((n) => ({ ...n, rounds: n.rounds.map((r) => ({ ...r, round: r.round + shift })) })),
  };
}

/** Gates, reviews and nodes in the order data flows through them, when the model is at hand. */
function inFlowOrder<T extends { name: string }>(steps: T[], model: FlowModel | undefined): T[] {
  if (!model) return steps;
  const order = new Map(model.streams.map((s, i) => [s.name, i]));
  const position = (step: T) => order.get(step.name) ?? Number.MAX_SAFE_INTEGER;
  return steps.map((step, i) => ({ step, i })).sort((a, b) => position(a.step) - position(b.step) || a.i - b.i).map(({ step }) => step);
}

/** `round 2: …` only where there is more than one round. */
function perRound<R extends { round: number }>(rounds: R[], describe: (round: R) => string): string {
  if (rounds.length === 1) return describe(rounds[0]);
  return rounds.map((r) => `round ${r.round}: ${describe(r)}`).join("; ");
}

function gateRounds(gate: WitnessGate): string {
  if (gate.rounds.length === 0) return "nothing to check";
  return perRound(gate.rounds, (r) => `${r.checked} checked, ${r.passed} passed, ${r.rejected} rejected`);
}

function nodeRounds(node: WitnessNode): string {
  const rounds = node.rounds.filter((r) => r.calls > 0);
  if (rounds.length === 0 || node.attemptsPerCall === 0) return "no calls";
  const calls = perRound(rounds, (r) => `${plural(r.items, "item")} in ${plural(r.calls, "call")}`);
  return `${calls}; ${plural(node.attemptsPerCall, "attempt")} per call`;
}

function inputReasons(witness: Witness, model: FlowModel | undefined, name: NameStyle): string[] {
  if (!model || witness.inputs.length === 0) return [];
  const below = witness.inputs.filter((i) => {
    const stream = model.byName.get(i.name);
    return stream?.kind === "input" && i.count < stream.max;
  });
  if (below.length === 0) return ["every input holds its maximum count of items"];
  return below.map((i) => `${name(i.name)} holds ${plural(i.count, "item")}, below its maximum: more items would not cost more here`);
}

function attemptReason(node: WitnessNode, name: NameStyle): string[] {
  if (node.attemptsPerCall <= 1 || node.rounds.every((r) => r.calls === 0)) return [];
  const retries = node.attemptsPerCall - 1;
  return [`every call of ${name(node.name)} takes ${node.attemptsPerCall} attempts (retry ${retries}): each failed attempt is charged`];
}

function gateReason(gate: WitnessGate, name: NameStyle): string {
  const label = `${name(gate.name)}`;
  if (gate.rounds.length === 0) return `${label} receives no items`;
  if (gate.rounds.length > 1) {
    const rounds = gate.rounds.map((r) => `round ${r.round} ${outcome(r)}`).join(", ");
    return `${label} sends rejected items back for ${plural(gate.rounds.length - 1, "more round")}: ${rounds}`;
  }
  return `${label} ${outcome(gate.rounds[0])}`;
}

function outcome(round: WitnessGate["rounds"][number]): string {
  if (round.checked === 0) return "checks no items";
  if (round.rejected === 0) return `passes all ${round.checked} items`;
  if (round.passed === 0) return `rejects all ${round.checked} items`;
  return `passes ${round.passed} and rejects ${round.rejected} of its ${round.checked} items`;
}
