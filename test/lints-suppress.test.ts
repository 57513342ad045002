// The user's say over diagnostics: `// flowc-ignore` comments and flowc.json's `rules`, applied at
// the end of the analysis to every code (errors that stop compilation excepted), and flowc.json's
// validation messages.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { alwaysApplies, parseConfig, type FlowcConfig } from "../compiler/config";
import { CODES, type DiagnosticCode } from "../syntax/diagnostics";
import configSchema from "../schemas/flowc-config.schema.json";
import { ROOT } from "./cli-spawn";
import { analyse } from "./lints-helpers";

const FILE = path.join(ROOT, "test/fixtures/lints/inline.flow");

/** A flow with a FLOW403 (render), a FLOW304 (the cap) and a FLOW406 (tags). */
function flow(above = { render: "", tags: "", cap: "" }): string {
  return [
    "flow suppressed {",
    "  input photos: image[30] expect 20",
    above.cap,
    "  budget { cap 1000 credits  alert 80% }",
    "  model big { rate 2 credits per megapixel }",
    "  model tagger { rate 0.01 credits per item  overhead 0.5 credits per call }",
    above.render,
    "  node render = generate(photos) { model big  resolution 1000x1000 }",
    above.tags,
    "  node tags = tag(photos) { model tagger }",
    "  output render, tags",
    "}",
    "",
  ].join("\n");
}

const codes = (text: string, config?: FlowcConfig) => analyse(FILE, text, config ? { config } : {}).diagnostics.map((d) => `${d.code} ${d.severity}`);

describe("flowc-ignore comments", () => {
  test("without any, the flow has its three diagnostics", () => {
    expect(codes(flow())).toEqual(["FLOW304 hint", "FLOW403 hint", "FLOW406 hint"]);
  });

  test("a listed code is hidden on the next line only", () => {
    expect(codes(flow({ render: "  // flowc-ignore FLOW403", tags: "", cap: "" }))).toEqual(["FLOW304 hint", "FLOW406 hint"]);
    expect(codes(flow({ render: "  // flowc-ignore FLOW406", tags: "", cap: "" }))).toEqual(["FLOW304 hint", "FLOW602 warning", "FLOW403 hint", "FLOW406 hint"]);
  });

  test("several codes, separated by commas or spaces, and a reason after --", () => {
    const text = flow({ render: "", tags: "  // flowc-ignore FLOW403, FLOW406 -- tagging is cheap enough", cap: "  // flowc-ignore FLOW999 FLOW304" });
    expect(codes(text)).toEqual(["FLOW601 warning", "FLOW403 hint", "FLOW602 warning"]);
  });

  test("no code hides every code on the next line", () => {
    expect(codes(flow({ render: "", tags: "  // flowc-ignore", cap: "" }))).toEqual(["FLOW304 hint", "FLOW403 hint"]);
  });

  test("a trailing comment, a block comment or a comment two lines up hide nothing", () => {
    const trailing = flow({ render: "", tags: "  output render // flowc-ignore", cap: "" }).replace("  output render, tags", "");
    expect(codes(trailing)).toContain("FLOW406 hint");
    expect(codes(flow({ render: "", tags: "  /* flowc-ignore FLOW406 */", cap: "" }))).toContain("FLOW406 hint");
    expect(codes(flow({ render: "  // flowc-ignore FLOW406", tags: "", cap: "" }))).toContain("FLOW406 hint");
  });

  test("errors that stop compilation always apply", () => {
    const text = "flow broken {\n  // flowc-ignore\n  node a = generate(nowhere) { cost 1 credit }\n  output a\n}\n";
    expect(codes(text)).toContain("FLOW201 error");
  });
});

describe("flowc-ignore comments are checked (eslint's --report-unused-disable-directives)", () => {
  const found = (text: string, config?: FlowcConfig) =>
    analyse(FILE, text, config ? { config } : {}).diagnostics.filter((d) => d.code === "FLOW601" || d.code === "FLOW602");

  test("FLOW601: a code flowc does not have, or one that cannot be ignored, at the code itself", () => {
    const [unknown, stopping] = found(flow({ render: "  // flowc-ignore FLOW403 FLW403 FLOW201", tags: "", cap: "" }));
    expect(unknown).toMatchObject({ message: "FLW403 is not a flowc diagnostic code: this flowc-ignore hides nothing of it", range: { start: { line: 7, column: 27 }, end: { column: 33 } } });
    expect(stopping?.message).toBe("FLOW201 cannot be ignored: errors that stop compilation always apply");
  });

  test("FLOW602: a comment that hides nothing, with a fix that removes its line; one unused code of several", () => {
    const text = flow({ render: "  // flowc-ignore FLOW406 -- stale", tags: "", cap: "" });
    const [unused] = found(text);
    expect(unused).toMatchObject({ severity: "warning", message: "this flowc-ignore hides nothing on line 8 (no FLOW406 there): remove it" });
    const fixed = text.slice(0, unused!.fix!.edits[0]!.range.start.offset) + text.slice(unused!.fix!.edits[0]!.range.end.offset);
    expect(fixed).toBe(text.replace("  // flowc-ignore FLOW406 -- stale\n", ""));
    const bare = flow().replace("  model big", "  // flowc-ignore\n  model big");
    expect(found(bare).map((d) => d.message)).toEqual(["this flowc-ignore hides nothing on line 6: remove it"]);
    expect(found(flow({ render: "  // flowc-ignore FLOW403 FLOW406", tags: "", cap: "" })).map((d) => d.message)).toEqual(["FLOW406 is not reported on line 8: this flowc-ignore hides nothing of it"]);
  });

  test("not reported unused: codes of command-line options, a flow with errors; rules can turn them off", () => {
    expect(found(flow({ render: "  // flowc-ignore FLOW307 FLOW508", tags: "", cap: "" }))).toEqual([]);
    const broken = "flow broken {\n  // flowc-ignore FLOW403\n  node a = generate(nowhere) { cost 1 credit }\n  output a\n}\n";
    expect(found(broken)).toEqual([]);
    expect(found(flow({ render: "  // flowc-ignore FLOW406", tags: "", cap: "" }), { rules: { FLOW602: "off" } })).toEqual([]);
    expect(found(flow({ render: "  // flowc-ignore FLOW406", tags: "", cap: "" }), { rules: { FLOW602: "error" } })[0]?.severity).toBe("error");
  });
});

describe("flowc.json rules", () => {
  test("off drops a code, a severity replaces the default", () => {
    expect(codes(flow(), { rules: { FLOW403: "off", FLOW304: "warning", FLOW406: "error" } })).toEqual(["FLOW304 warning", "FLOW406 error"]);
  });

  test("rules and comments together", () => {
    expect(codes(flow({ render: "", tags: "  // flowc-ignore FLOW406", cap: "" }), { rules: { FLOW403: "warning" } })).toEqual(["FLOW304 hint", "FLOW403 warning"]);
  });

  test("a rule for a lint does not stop the cost analysis", () => {
    const analysis = analyse(FILE, flow(), { config: { rules: { FLOW406: "error" } } });
    expect(analysis.cost?.worstCase.toFixed()).toBe("75.3");
  });
});

describe("flowc.json validation", () => {
  const errors = (value: unknown) => {
    const parsed = parseConfig(typeof value === "string" ? value : JSON.stringify(value), "flowc.json");
    return parsed.ok ? [] : parsed.errors;
  };

  test("a valid file", () => {
    expect(parseConfig(JSON.stringify({ $schema: "x", rules: { FLOW403: "off", FLOW304: "warning" } }), "flowc.json")).toEqual({
      ok: true,
      config: { $schema: "x", rules: { FLOW403: "off", FLOW304: "warning" } },
    });
  });

  test("a level that does not exist", () => {
    expect(errors({ rules: { FLOW403: "silent" } })).toEqual(['flowc.json: rules.FLOW403 must be one of "error", "warning", "hint", "off"']);
  });

  test("a code that does not exist, and one that cannot be configured", () => {
    expect(errors({ rules: { FLOW999: "off" } })).toEqual(["flowc.json: rules.FLOW999 is not a flowc diagnostic code"]);
    expect(errors({ rules: { FLOW201: "hint" } })).toEqual([
      "flowc.json: rules.FLOW201 cannot be configured: errors that stop compilation (FLOW101, FLOW102, FLOW201 to FLOW213) always apply",
    ]);
  });

  test("unknown keys, wrong types and broken JSON", () => {
    expect(errors({ rule: {} })[0]).toMatch(/^flowc\.json: unknown key "rule" \(flowc\.json accepts: rules/);
    expect(errors({ rules: ["FLOW403"] })).toEqual(['flowc.json: rules must be an object mapping diagnostic codes to "error", "warning", "hint", "off"']);
    expect(errors([])).toEqual(["flowc.json: must hold a JSON object"]);
    expect(errors("{ rules: }")[0]).toMatch(/^flowc\.json: not valid JSON \(/);
  });

  test("the schema lists exactly the codes that can be configured", () => {
    const configurable = (Object.keys(CODES) as DiagnosticCode[]).filter((c) => !alwaysApplies(c)).sort();
    expect(Object.keys(configSchema.properties.rules.properties).sort()).toEqual(configurable);
  });

  test("the schema ships as valid JSON with the levels of RULE_LEVELS", () => {
    const text = readFileSync(path.join(ROOT, "schemas/flowc-config.schema.json"), "utf8");
    expect(JSON.parse(text).$defs.level.enum).toEqual(["error", "warning", "hint", "off"]);
  });
});
