// Random flows with real media (test/helpers/random-flows.ts gives the shape): images generated
// with a cheap or a dear model of one family at one of a few resolutions, upscales, quality checks
// in batches, variants for selects by a person or a metric, reviews and gates that retry, inputs
// with expected counts and some marked stable, caches, comments above and inside declarations,
// and a cap that is sometimes too low, sometimes too high, sometimes missing. This is where the credit-saving lints and their quick
// fixes find work: FLOW401 to FLOW406 and the cap fixes all fire on some of these flows.
import fc from "fast-check";
import { specFromTape, type FlowSpec, type SpecRef, type SpecStream } from "./random-flows";

const RESOLUTIONS = ["256x256", "512x512", "1024x1024", "1280x720"];
const CAPS = ["5", "60", "400", "5000"];

/** Choices drawn from a tape of numbers, so fast-check shrinks them with the shape. */
class Looks {
  private i = 0;
  constructor(private readonly values: number[]) {}
  pick<T>(options: readonly T[]): T {
    return options[(this.values[this.i++ % this.values.length] ?? 0) % options.length]!;
  }
  chance(outOf: number): boolean {
    return this.pick([...Array(outOf).keys()]) === 0;
  }
}

type SpecNode = Extract<SpecStream, { kind: "node" }>;

const refText = (r: SpecRef) => (r.rejected ? `${r.name}.rejected` : r.name);

export function mediaFlowText(spec: FlowSpec, looks: Looks): string {
  const ops = new Map<string, string>();
  const lines = [
    "flow media {",
    "  model fast { rate 1 credit per megapixel  family gen }",
    "  model pro { rate 4 credits per megapixel  family gen }",
    "  model sharpen { rate 0.5 credits per megapixel }",
    "  model checker { rate 0.01 credits per item  overhead 0.5 credits per call }",
  ];
  if (!looks.chance(6)) lines.push(`  budget { cap ${looks.pick(CAPS)} credits }`);
  const consumed = new Set<string>();
  const names: string[] = [];
  for (const s of spec.streams) {
    const source = s.kind === "node" ? s.source : s.kind === "gate" ? s.source : s.kind === "select" ? { name: s.source, rejected: false } : undefined;
    if (source) consumed.add(refText(source));
    lines.push(`  ${declText(s, ops, looks)}`);
    if (s.kind !== "input") names.push(s.name);
  }
  for (const s of spec.streams) {
    if (s.kind !== "node" || consumed.has(s.name)) continue;
    const more = afterLeaf(s, ops, looks);
    if (more.length === 0) continue;
    consumed.add(s.name);
    for (const [name, decl] of more) {
      lines.push(`  ${decl}`);
      names.push(name);
    }
    for (const [name] of more.slice(0, -1)) consumed.add(name);
  }
  // Retry chains may not feed an output, so only a stream outside them is output early.
  const chained = new Set(spec.streams.flatMap((s) => (s.kind === "gate" && s.retry ? s.retry.chain : [])));
  const outputs = names.filter((n) => !consumed.has(n) || (!chained.has(n) && looks.chance(5)));
  if (outputs.length > 0) lines.push(`  output ${outputs.join(", ")}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * What may follow a node nothing reads, so the lints find work: a select of its variants (alone,
 * or read by a review, a thumbnail or a full render), or a review of an upscale (alone, or read by
 * a check).
 */
function afterLeaf(node: SpecNode, ops: Map<string, string>, looks: Looks): [string, string][] {
  const n = node.name;
  if (node.variants > 1) {
    const select: [string, string] = [`${n}_pick`, `select ${n}_pick = ${n} by human`];
    const next = looks.pick([
      [],
      [[`${n}_ok`, `review ${n}_ok = ${n}_pick by human { expect approve 50% }`]],
      [[`${n}_thumb`, `node ${n}_thumb = generate(${n}_pick) { model fast  resolution 256x256 }`]],
      [[`${n}_full`, `node ${n}_full = generate(${n}_pick) { model pro  resolution 1024x1024 }`]],
    ] as [string, string][][]);
    return [select, ...next];
  }
  if (ops.get(n) !== "upscale" || looks.chance(3)) return [];
  const review: [string, string] = [`${n}_ok`, `review ${n}_ok = ${n} by human { expect approve 40% }`];
  return looks.chance(2) ? [review] : [review, [`${n}_check`, `node ${n}_check = quality_check(${n}_ok) { model checker }`]];
}

function declText(s: SpecStream, ops: Map<string, string>, looks: Looks): string {
  switch (s.kind) {
    case "input": {
      const expect = s.max > 1 && looks.chance(2) ? ` expect ${looks.pick([...Array(s.max).keys()]) + 1}` : "";
      return `input ${s.name}: image[${s.max}]${expect}${looks.chance(3) ? " stable" : ""}`;
    }
    case "node":
      return nodeText(s, ops, looks);
    case "gate": {
      const orElse = s.retry ? `  else retry ${s.retry.target} up to ${s.retry.upTo}` : "";
      if (s.human || looks.chance(2)) return `review ${s.name} = ${refText(s.source)} by human { expect approve ${looks.pick(["40%", "75%", "95%"])}${orElse} }`;
      const metric = ops.get(s.source.name) === "generate" ? "aesthetic" : "sharpness";
      return `gate ${s.name} = ${s.source.name}.${metric} >= 0.5 { expect pass 60%${orElse} }`;
    }
    case "select":
      return `select ${s.name} = ${s.source} by ${looks.pick(["human", "highest aesthetic"])} { pick ${s.pick} }`;
  }
}

function nodeText(s: SpecNode, ops: Map<string, string>, looks: Looks): string {
  const args = s.source ? refText(s.source) : "";
  const common = [...(s.retry ? [`retry ${s.retry}`, "expect fail 10%"] : []), ...(s.cached ? ["cache ttl 1h"] : [])];
  const op = s.variants > 1 ? "generate" : s.batch || looks.chance(4) ? "quality_check" : looks.chance(2) ? "generate" : "upscale";
  ops.set(s.name, op);
  const props =
    op === "quality_check"
      ? ["model checker", ...(s.batch ? [`batch ${s.batch}`] : [])]
      : [`model ${op === "upscale" ? "sharpen" : looks.pick(["fast", "pro"])}`, `resolution ${looks.pick(RESOLUTIONS)}`, ...(s.variants > 1 ? [`variants ${s.variants + looks.pick([0, 2])}`] : [])];
  const all = [...props, ...common];
  if (!looks.chance(3)) return `node ${s.name} = ${op}(${args}) { ${all.join("  ")} }`;
  // Comments above and inside a declaration, which fixes must leave with their node.
  return [`// about ${s.name}`, `  node ${s.name} = ${op}(${args}) {`, `    ${all[0]}  // why this`, ...all.slice(1).map((p) => `    ${p}`), "  }"].join("\n");
}

/** A random media flow's text, from two tapes: the shape, and the looks. */
export const arbitraryMediaFlow = fc
  .tuple(fc.array(fc.nat(1000), { minLength: 60, maxLength: 60 }), fc.array(fc.nat(1000), { minLength: 40, maxLength: 40 }))
  .map(([shape, looks]) => mediaFlowText(specFromTape(shape, 7), new Looks(looks)));
