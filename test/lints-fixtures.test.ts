// Golden tests of the credit-saving lints: each test/fixtures/lints/*.flow ends with every
// diagnostic `flowc check` gives it, figures and fix titles included (the figures are worked out
// by hand in each fixture's opening comment). `UPDATE_EXPECT=1` rewrites the blocks: read the diff.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectedBlock, flowFixtures, updating, withBlock } from "./helpers/golden-block";
import { analyse, formatLint } from "./lints-helpers";

const dir = fileURLToPath(new URL("./fixtures/lints", import.meta.url));
const fixtures = flowFixtures(dir);

describe("lints fixtures", () => {
  it("has a fixture for every lint and for the FLOW408 fix", () => {
    for (const code of ["401", "402", "403", "404", "405", "406", "408"]) expect(fixtures.some((f) => f.startsWith(`flow${code}`)), `flow${code}`).toBe(true);
  });

  it.each(fixtures)("%s", (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, "utf8");
    const analysis = analyse(file, text);
    expect(analysis.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const actual = analysis.diagnostics.flatMap(formatLint);
    if (updating) writeFileSync(file, withBlock(text, actual));
    else expect(actual).toEqual(expectedBlock(text));
  });
});
