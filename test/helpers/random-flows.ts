// Small random flows for property tests: a spec that tests interpret on their own (a brute-force
// enumerator, a witness replayer), and its `.flow` text for the real pipeline. Prices are whole
// cents so that the test side can use exact integers.
import fc from "fast-check";

export interface SpecRef {
  name: string;
  rejected: boolean;
}

export type SpecStream =
  | { kind: "input"; name: string; max: number }
  | { kind: "node"; name: string; source?: SpecRef; variants: number; batch?: number; retry: number; priceCents: number; overheadCents: number; cached: boolean }
  | { kind: "gate"; name: string; human: boolean; source: SpecRef; retry?: { target: string; upTo: number; chain: string[] } }
  | { kind: "select"; name: string; source: string; pick: number };

export interface FlowSpec {
  streams: SpecStream[];
}

/** a tape of small numbers drives every choice, so fast-check can shrink it */
class Tape {
  private i = 0;
  constructor(private readonly values: number[]) {}
  next(n: number): number {
    const v = this.values[this.i++ % this.values.length] ?? 0;
    return v % n;
  }
}

export function specFromTape(values: number[], maxStreams = 5): FlowSpec {
  const t = new Tape(values);
  const streams: SpecStream[] = [];
  const consumers = new Map<string, number>();
  const sealed = new Set<string>();
  const addConsumer = (ref: SpecRef) => consumers.set(ref.name, (consumers.get(ref.name) ?? 0) + 1);
  const refs = (): SpecRef[] =>
    streams.flatMap((s) => {
      if (sealed.has(s.name)) return [];
      const pass = { name: s.name, rejected: false };
      return s.kind === "gate" ? [pass, { name: s.name, rejected: true }] : [pass];
    });
  streams.push({ kind: "input", name: "in0", max: t.next(4) });
  if (t.next(3) === 0) streams.push({ kind: "input", name: "in1", max: 1 + t.next(2) });
  const count = 1 + t.next(maxStreams);
  for (let k = 0; k < count; k++) {
    const name = `s${k}`;
    const choice = t.next(10);
    const nodes = streams.filter((s): s is Extract<SpecStream, { kind: "node" }> => s.kind === "node" && !sealed.has(s.name));
    if (choice < 5 || nodes.length === 0) {
      const zeroArg = t.next(8) === 0;
      const options = refs();
      const source = zeroArg ? undefined : options[t.next(options.length)];
      if (source) addConsumer(source);
      const hasVariants = streams.some((s) => s.kind === "node" && s.variants > 1);
      streams.push({
        kind: "node",
        name,
        source,
        variants: !hasVariants && t.next(4) === 0 ? 2 : 1,
        batch: t.next(3) === 0 ? 2 + t.next(2) : undefined,
        retry: t.next(3) === 0 ? 1 : 0,
        priceCents: t.next(5) * 25,
        overheadCents: t.next(3) === 0 ? 100 * (1 + t.next(3)) : 0,
        cached: t.next(6) === 0,
      });
    } else if (choice < 9) {
      const src = nodes[t.next(nodes.length)]!;
      const retry = retryChain(src, streams, consumers, sealed, t);
      addConsumer({ name: src.name, rejected: false });
      if (retry) retry.chain.forEach((n) => sealed.add(n));
      streams.push({ kind: "gate", name, human: t.next(3) === 0, source: { name: src.name, rejected: false }, retry });
    } else {
      const withVariants = nodes.filter((n) => n.variants > 1);
      if (withVariants.length === 0) continue;
      const src = withVariants[0]!;
      addConsumer({ name: src.name, rejected: false });
      streams.push({ kind: "select", name, source: src.name, pick: 1 + t.next(src.variants) });
    }
  }
  return { streams };
}

function retryChain(
  src: Extract<SpecStream, { kind: "node" }>,
  streams: SpecStream[],
  consumers: Map<string, number>,
  sealed: Set<string>,
  t: Tape,
): { target: string; upTo: number; chain: string[] } | undefined {
  if (t.next(2) === 0 || src.variants > 1 || (consumers.get(src.name) ?? 0) > 0 || sealed.has(src.name)) return undefined;
  const chain = [src.name];
  const parent = src.source && !src.source.rejected ? streams.find((s) => s.name === src.source!.name) : undefined;
  if (parent?.kind === "node" && parent.variants === 1 && consumers.get(parent.name) === 1 && !sealed.has(parent.name) && t.next(2) === 0) chain.unshift(parent.name);
  return { target: chain[0]!, upTo: 1 + t.next(2), chain };
}

const cents = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
const refText = (r: SpecRef) => (r.rejected ? `${r.name}.rejected` : r.name);

export function specToFlow(spec: FlowSpec): string {
  const lines = ["flow random {"];
  const consumed = new Set<string>();
  for (const s of spec.streams) {
    if (s.kind === "node" && s.source) consumed.add(refText(s.source));
    if (s.kind === "gate") consumed.add(refText(s.source));
    if (s.kind === "select") consumed.add(s.source);
    lines.push("  " + declText(s));
  }
  const leaves = spec.streams.filter((s) => s.kind !== "input" && !consumed.has(s.name)).map((s) => s.name);
  if (leaves.length > 0) lines.push(`  output ${leaves.join(", ")}`);
  lines.push("  budget { cap 1000000 credits }", "}");
  return lines.join("\n") + "\n";
}

function declText(s: SpecStream): string {
  switch (s.kind) {
    case "input":
      return `input ${s.name}: image[${s.max}]`;
    case "node": {
      const props = [`cost ${cents(s.priceCents)} credits`, `cost ${cents(s.overheadCents)} credits per call`];
      if (s.variants > 1) props.push(`variants ${s.variants}`);
      if (s.batch) props.push(`batch ${s.batch}`);
      if (s.retry) props.push(`retry ${s.retry}`);
      if (s.cached) props.push("cache ttl 1h");
      return `node ${s.name} = quality_check(${s.source ? refText(s.source) : ""}) { ${props.join("  ")} }`;
    }
    case "gate": {
      const orElse = s.retry ? `  else retry ${s.retry.target} up to ${s.retry.upTo}` : "";
      if (s.human) return `review ${s.name} = ${refText(s.source)} by human { expect approve 40%${orElse} }`;
      return `gate ${s.name} = ${s.source.name}.sharpness >= 0.5 { expect pass 60%${orElse} }`;
    }
    case "select":
      return `select ${s.name} = ${s.source} by highest sharpness { pick ${s.pick} }`;
  }
}

export const arbitrarySpec = fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }).map((tape) => specFromTape(tape));

/**
 * Flows whose gates have batched readers on both sides (where the worst case may split the items
 * rather than send them all one way), nested up to two deep, with larger inputs: the periodic
 * worst-case functions with transients, not only tables.
 */
export function splitSpecFromTape(values: number[]): FlowSpec {
  const t = new Tape(values);
  const streams: SpecStream[] = [{ kind: "input", name: "in0", max: 2 + t.next(9) }];
  const batchedNode = (name: string, source: SpecRef): SpecStream => ({
    kind: "node",
    name,
    source,
    variants: 1,
    batch: 2 + t.next(4),
    retry: t.next(4) === 0 ? 1 : 0,
    priceCents: t.next(3) * 25,
    overheadCents: 100 * (1 + t.next(3)),
    cached: t.next(8) === 0,
  });
  let source: SpecRef = { name: "in0", rejected: false };
  for (let depth = 0; depth < 1 + t.next(2); depth++) {
    const check = `c${depth}`;
    streams.push({ kind: "node", name: check, source, variants: 1, batch: t.next(2) === 0 ? 2 + t.next(3) : undefined, retry: 0, priceCents: 25 * t.next(2), overheadCents: 0, cached: false });
    const gate = `g${depth}`;
    streams.push({ kind: "gate", name: gate, human: t.next(2) === 0, source: { name: check, rejected: false } });
    streams.push(batchedNode(`r${depth}`, { name: gate, rejected: true }));
    const pass = batchedNode(`p${depth}`, { name: gate, rejected: false });
    streams.push(pass);
    source = { name: pass.name, rejected: false };
  }
  return { streams };
}

export const arbitrarySplitSpec = fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }).map((tape) => splitSpecFromTape(tape));
