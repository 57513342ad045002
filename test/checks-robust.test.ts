// The model builder and the checks never throw, whatever mistakes a flow holds; a model that comes
// back is well formed. Flows are drawn from a small pool of names so that unknown names,
// duplicates, cycles and bad retry paths are common.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readsOf } from "../compiler/checks/walk";
import { check } from "./checks-helpers";
import { arbitrarySpec, specToFlow } from "./helpers/random-flows";

const name = fc.constantFrom("a", "b", "c", "d", "shots", "ok");
const ref = fc.tuple(name, fc.boolean()).map(([n, rejected]) => (rejected ? `${n}.rejected` : n));
const whole = fc.constantFrom("0", "1", "2", "3", "11", "1_000");
const percent = fc.constantFrom("0%", "50%", "100%", "150%");
const metric = fc.constantFrom("confidence", "sharpness", "aesthetic", "nope");
const op = fc.constantFrom("generate", "upscale", "video", "face_detect", "quality_check", "tag", "convert", "frob", "custom");

const nodeProp = fc.oneof(
  fc.constantFrom("model m", "model pricey", "model nope", "resolution 512x512", "resolution 0x8", "duration 5s", "duration 0s"),
  fc.constantFrom("cache ttl 48h", "cache ttl 0s", "cache off", "cost 1 credit", "cost 2 credits per call", "timeout 0s"),
  fc.constantFrom('param prompt = "x"', "param steps = 500", 'param scale = "big"', "param vocabulary = [1, true]"),
  whole.map((n) => `variants ${n}`),
  whole.map((n) => `retry ${n}`),
  whole.map((n) => `batch ${n}`),
  whole.map((n) => `concurrency ${n}`),
  percent.map((p) => `expect fail ${p}`),
);
const verdictProp = fc.oneof(
  fc.constantFrom("else discard"),
  percent.map((p) => `expect pass ${p}`),
  fc.tuple(name, whole, fc.boolean()).map(([t, k, d]) => `else retry ${t} up to ${k}${d ? " then discard" : ""}`),
);
const reviewProp = fc.oneof(verdictProp.map((p) => p.replace("expect pass", "expect approve")), fc.constantFrom("timeout 1h", "timeout 0s"));
const block = (props: fc.Arbitrary<string>) => fc.array(props, { maxLength: 4 }).map((ps) => (ps.length > 0 ? ` { ${ps.join("  ")} }` : ""));
const arg = fc.oneof(ref, fc.tuple(fc.constantFrom("style", "ref"), ref).map(([k, r]) => `${k}: ${r}`));
const cond = fc.tuple(name, metric, fc.constantFrom(">=", "<", ">"), fc.constantFrom("0.5", "2", "0")).map(([s, m, c, t]) => `${s}.${m} ${c} ${t}`);

const decl = fc.oneof(
  fc.tuple(name, fc.constantFrom("", "[5]", "[5..2]", "[1..1]"), fc.constantFrom("", " expect 3", " expect 9", " stable")).map(([n, c, e]) => `input ${n}: image${c}${e}`),
  fc.tuple(name, op, fc.array(arg, { maxLength: 3 }), block(nodeProp)).map(([n, o, args, b]) => `node ${n} = ${o}(${args.join(", ")})${b}`),
  fc.tuple(name, fc.array(cond, { minLength: 1, maxLength: 2 }), block(verdictProp)).map(([n, cs, b]) => `gate ${n} = ${cs.join(" and ")}${b}`),
  fc.tuple(name, ref, block(reviewProp)).map(([n, r, b]) => `review ${n} = ${r} by human${b}`),
  fc.tuple(name, name, fc.constantFrom("human", "highest aesthetic", "lowest nope"), fc.constantFrom("", " { pick 0 }", " { pick 2 }", " { pick 9 }")).map(([n, s, by, p]) => `select ${n} = ${s} by ${by}${p}`),
  fc.constantFrom("budget { cap 100 credits  alert 75% }", "budget { alert 50% }", "budget { cap 10 credits  alert 20 credits  strict }"),
  fc.array(ref, { minLength: 1, maxLength: 3 }).map((rs) => `output ${rs.join(", ")}`),
);

const flowText = fc.array(decl, { maxLength: 10 }).map(
  (decls) => `model m { rate 1 credit per item }
model pricey { rate 2 credits per megapixel per second  overhead 1 credit per call }
op custom { metric nope 0..5  batchable  schema "{\\"type\\":\\"object\\"}" }
flow random {
  ${decls.join("\n  ")}
}
`,
);

describe("resolveFlow on flows full of mistakes", () => {
  it("never throws, keeps ranges inside the text, and returns only well-formed models", () => {
    fc.assert(
      fc.property(flowText, (text) => {
        const result = check(text);
        for (const d of result.diagnostics) {
          expect(d.range.start.offset).toBeLessThanOrEqual(d.range.end.offset);
          expect(d.range.end.offset).toBeLessThanOrEqual(text.length);
        }
        const model = result.model;
        if (!model) return;
        expect(result.diagnostics.filter((d) => d.severity === "error").every((d) => ["FLOW204", "FLOW205", "FLOW210"].includes(d.code))).toBe(true);
        const seen = new Set<string>();
        for (const stream of model.streams) {
          for (const read of readsOf(stream)) expect(seen.has(read)).toBe(true);
          seen.add(stream.name);
        }
        for (const stream of model.streams) {
          if (stream.kind === "gate" && stream.retry) expect(stream.retry.chain.at(-1)).toBe(stream.source.name);
          if (stream.kind === "node") expect(stream.variants).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it("survives a long chain without deep recursion", () => {
    const lines = ["input n0: text[2]", "budget { cap 10 credits }"];
    for (let i = 1; i <= 5000; i++) lines.push(`node n${i} = convert(n${i - 1}) { cost 0 credits }`);
    lines.push("output n5000");
    const result = check(`flow long {\n${lines.join("\n")}\n}`);
    expect(result.diagnostics).toEqual([]);
    expect(result.model?.streams).toHaveLength(5001);
  });
});

describe("resolveFlow on valid random flows", () => {
  it("accepts them and finds the same retry chains and sources as their spec", () => {
    fc.assert(
      fc.property(arbitrarySpec, (spec) => {
        const result = check(specToFlow(spec));
        expect(result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
        const model = result.model!;
        for (const s of spec.streams) {
          const stream = model.byName.get(s.name)!;
          expect(stream.kind).toBe(s.kind);
          if (s.kind === "gate" && stream.kind === "gate") {
            expect(stream.retry).toEqual(s.retry);
            expect(stream.source).toEqual(s.source);
          }
          if (s.kind === "node" && stream.kind === "node") expect(stream.source).toEqual(s.source);
        }
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
