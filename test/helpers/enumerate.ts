// An independent brute-force reading of section 5, on specs from random-flows.ts: every input count,
// every pass/reject split of every gate in every round, every attempt outcome of every call
// (including a call whose attempts all fail and whose items are lost). Integers in cents.
import type { FlowSpec, SpecRef, SpecStream } from "./random-flows";
import type { Witness } from "../../compiler/cost-report";

type NodeSpec = Extract<SpecStream, { kind: "node" }>;
type GateSpec = Extract<SpecStream, { kind: "gate" }>;
type Counts = ReadonlyMap<string, number>;

const key = (r: SpecRef) => (r.rejected ? `${r.name}.rejected` : r.name);

function callSizes(node: NodeSpec, items: number): number[] {
  if (!node.batch) return Array.from({ length: items }, () => 1);
  const sizes: number[] = [];
  for (let left = items; left > 0; left -= node.batch) sizes.push(Math.min(node.batch, left));
  return sizes;
}

/** for each number of items that come out, the most a node's calls over `items` items can cost */
function nodeOutcomes(node: NodeSpec, items: number, warm: boolean): Map<number, number> {
  let outcomes = new Map<number, number>([[0, 0]]);
  const free = warm && node.cached;
  for (const size of callSizes(node, items)) {
    const perAttempt = free ? 0 : node.overheadCents + size * node.variants * node.priceCents;
    const next = new Map<number, number>();
    const keep = (out: number, cost: number) => next.set(out, Math.max(next.get(out) ?? -1, cost));
    for (const [out, cost] of outcomes) {
      for (let attempts = 1; attempts <= node.retry + 1; attempts++) keep(out + size * node.variants, cost + attempts * perAttempt);
      keep(out, cost + (node.retry + 1) * perAttempt);
    }
    outcomes = next;
  }
  return outcomes;
}

function chainOutcomes(nodes: NodeSpec[], items: number, warm: boolean): Map<number, number> {
  let outcomes = new Map<number, number>([[items, 0]]);
  for (const node of nodes) {
    const next = new Map<number, number>();
    for (const [m, cost] of outcomes) {
      for (const [out, c] of nodeOutcomes(node, m, warm)) next.set(out, Math.max(next.get(out) ?? -1, cost + c));
    }
    outcomes = next;
  }
  return outcomes;
}

export function bruteForceWorst(spec: FlowSpec, warm: boolean): number {
  const byName = new Map(spec.streams.map((s) => [s.name, s]));
  const chainGate = new Map<string, GateSpec>();
  for (const s of spec.streams) if (s.kind === "gate" && s.retry) for (const n of s.retry.chain) chainGate.set(n, s);

  const go = (i: number, counts: Counts): number => {
    const s = spec.streams[i];
    if (!s) return 0;
    const set = (entries: [string, number][]) => new Map([...counts, ...entries]);
    if (s.kind === "input") {
      let best = 0;
      for (let c = 0; c <= s.max; c++) best = Math.max(best, go(i + 1, set([[s.name, c]])));
      return best;
    }
    if (s.kind === "node" && chainGate.has(s.name)) {
      const g = chainGate.get(s.name)!;
      if (g.retry!.target !== s.name) return go(i + 1, counts);
      const chain = g.retry!.chain.map((n) => byName.get(n) as NodeSpec);
      return rounds(g, chain, 0, entering(s, counts), 0, (passed, rejected) => go(i + 1, set([[g.name, passed], [`${g.name}.rejected`, rejected]])));
    }
    if (s.kind === "node") {
      let best = 0;
      for (const [out, cost] of nodeOutcomes(s, entering(s, counts), warm)) best = Math.max(best, cost + go(i + 1, set([[s.name, out]])));
      return best;
    }
    if (s.kind === "gate") {
      if (s.retry) return go(i + 1, counts);
      const m = counts.get(key(s.source))!;
      let best = 0;
      for (let a = 0; a <= m; a++) best = Math.max(best, go(i + 1, set([[s.name, a], [`${s.name}.rejected`, m - a]])));
      return best;
    }
    const source = byName.get(s.source) as NodeSpec;
    return go(i + 1, set([[s.name, s.pick * (counts.get(s.source)! / source.variants)]]));
  };

  const rounds = (g: GateSpec, chain: NodeSpec[], round: number, items: number, passed: number, rest: (passed: number, rejected: number) => number): number => {
    let best = 0;
    for (const [out, cost] of chainOutcomes(chain, items, warm)) {
      for (let a = 0; a <= out; a++) {
        const after = round === g.retry!.upTo ? rest(passed + a, out - a) : rounds(g, chain, round + 1, out - a, passed + a, rest);
        best = Math.max(best, cost + after);
      }
    }
    return best;
  };

  return go(0, new Map());
}

function entering(node: NodeSpec, counts: Counts): number {
  return node.source ? counts.get(key(node.source))! : 1;
}

/** Spend of the execution the witness describes, computed from the spec alone (cents). */
export function replayWitness(spec: FlowSpec, witness: Witness, warm: boolean): number {
  const counts = new Map<string, number>();
  const attempts = new Map(witness.nodes.map((n) => [n.name, n.attemptsPerCall]));
  // the witness counts in BigInts; these flows are small
  const gates = new Map(witness.gates.map((g) => [g.name, g.rounds.map((r) => ({ checked: Number(r.checked), passed: Number(r.passed) }))]));
  const byName = new Map(spec.streams.map((s) => [s.name, s]));
  const handled = new Set<string>();
  let total = 0;
  const runNode = (node: NodeSpec, items: number) => {
    const t = attempts.get(node.name)!;
    if (t < 1 || t > node.retry + 1) throw new Error(`witness gives ${node.name} ${t} attempts`);
    for (const size of callSizes(node, items)) total += warm && node.cached ? 0 : t * (node.overheadCents + size * node.variants * node.priceCents);
    return items * node.variants;
  };
  const passedIn = (gate: string, round: number, checked: number) => {
    const r = gates.get(gate)?.[round];
    if (!r || r.checked !== checked || r.passed > checked) throw new Error(`witness round ${round} of ${gate} does not fit ${checked} items`);
    return r.passed;
  };
  for (const s of spec.streams) {
    if (handled.has(s.name)) continue;
    if (s.kind === "input") counts.set(s.name, Number(witness.inputs.find((i) => i.name === s.name)!.count));
    else if (s.kind === "gate") {
      const m = counts.get(key(s.source))!;
      const a = passedIn(s.name, 0, m);
      counts.set(s.name, a).set(`${s.name}.rejected`, m - a);
    } else if (s.kind === "select") {
      const source = byName.get(s.source) as NodeSpec;
      counts.set(s.name, s.pick * (counts.get(s.source)! / source.variants));
    } else {
      const g = spec.streams.find((x): x is GateSpec => x.kind === "gate" && x.retry?.target === s.name);
      if (!g) {
        counts.set(s.name, runNode(s, entering(s, counts)));
        continue;
      }
      let items = entering(s, counts);
      let passed = 0;
      for (let round = 0; round <= g.retry!.upTo; round++) {
        let out = items;
        for (const n of g.retry!.chain) out = runNode(byName.get(n) as NodeSpec, out);
        const a = passedIn(g.name, round, out);
        passed += a;
        items = out - a;
      }
      counts.set(g.name, passed).set(`${g.name}.rejected`, items);
      g.retry!.chain.forEach((n) => handled.add(n));
      handled.add(g.name);
    }
  }
  return total;
}
