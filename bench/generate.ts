// Generated flows for the benchmarks: chains of generate → quality_check → gate with a rejected
// branch, some batched, and the same content as plain data (for the JSON and YAML baselines).

export interface BenchDecl {
  kind: "input" | "model" | "node" | "gate";
  name: string;
  [key: string]: unknown;
}

/** Items per input of the generated flows: the analysis' cost grows with counts, not only with declarations. */
export const BENCH_ITEMS = 100;

/** About `declarations` declarations: 5 models/inputs up front, then blocks of four. */
export function benchDecls(declarations: number, items = BENCH_ITEMS): BenchDecl[] {
  const decls: BenchDecl[] = [
    { kind: "model", name: "flux", rate: "1", per: ["megapixel"] },
    { kind: "model", name: "checker", rate: "0.02", per: ["item"] },
    { kind: "model", name: "tagger", rate: "0.01", per: ["item"], overhead: "1" },
    { kind: "input", name: "prompts", type: "text", count: items, expect: (items * 4) / 5 },
  ];
  let source = "prompts";
  for (let i = 0; decls.length < declarations; i++) {
    const batched = i % 3 === 0;
    decls.push(
      { kind: "node", name: `draft${i}`, op: "generate", args: [source], model: "flux", resolution: "512x512", retry: i % 5 === 0 ? 1 : 0 },
      { kind: "node", name: `qc${i}`, op: "quality_check", args: [`draft${i}`], model: "checker", ...(batched ? { batch: 10 } : {}) },
      { kind: "gate", name: `ok${i}`, source: `qc${i}`, metric: "sharpness", op: ">=", threshold: "0.6", expectPass: "80" },
      { kind: "node", name: `tags${i}`, op: "tag", args: [`ok${i}.rejected`], model: "tagger", ...(batched ? { batch: 25 } : {}) },
    );
    // restart the chain now and then so that a flow is a forest of moderate depth, as real ones are
    source = i % 50 === 49 ? "prompts" : `ok${i}`;
  }
  return decls;
}

export function toFlowText(decls: BenchDecl[]): string {
  const lines = ["flow bench {"];
  const leaves: string[] = [];
  for (const d of decls) lines.push("  " + declText(d, leaves));
  lines.push(`  output ${leaves.join(", ")}`, "  budget { cap 100000000 credits  alert 80% }", "}");
  return lines.join("\n") + "\n";
}

function declText(d: BenchDecl, leaves: string[]): string {
  switch (d.kind) {
    case "model":
      return `model ${d.name} { rate ${d.rate} credits per ${(d.per as string[]).join(" per ")}${d.overhead ? `  overhead ${d.overhead} credits per call` : ""} }`;
    case "input":
      return `input ${d.name}: ${d.type}[${d.count}] expect ${d.expect}`;
    case "gate":
      return `gate ${d.name} = ${d.source}.${d.metric} ${d.op} ${d.threshold} { expect pass ${d.expectPass}% }`;
    case "node": {
      if (d.op === "tag") leaves.push(d.name);
      const props = [`model ${d.model}`];
      if (d.resolution) props.push(`resolution ${d.resolution}`);
      if (d.batch) props.push(`batch ${d.batch}`);
      if (d.retry) props.push(`retry ${d.retry}`);
      return `node ${d.name} = ${d.op}(${(d.args as string[]).join(", ")}) { ${props.join("  ")} }`;
    }
  }
}

/** A JSON Schema of the data form, so the YAML baseline validates what it loads, as a user would. */
export const benchSchema = {
  type: "object",
  required: ["flow", "decls"],
  properties: {
    flow: { type: "string" },
    decls: {
      type: "array",
      items: {
        type: "object",
        required: ["kind", "name"],
        properties: {
          kind: { enum: ["input", "model", "node", "gate"] },
          name: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
          op: { type: "string" },
          args: { type: "array", items: { type: "string" } },
          model: { type: "string" },
          resolution: { type: "string", pattern: "^[0-9]+x[0-9]+$" },
          batch: { type: "integer", minimum: 1 },
          retry: { type: "integer", minimum: 0 },
          rate: { type: "string" },
          per: { type: "array", items: { enum: ["megapixel", "second", "item"] } },
          overhead: { type: "string" },
          type: { enum: ["image", "video", "audio", "text", "json"] },
          count: { type: "integer", minimum: 0 },
          expect: { type: "number" },
          source: { type: "string" },
          metric: { type: "string" },
          threshold: { type: "string" },
          expectPass: { type: "string" },
        },
      },
    },
  },
};
