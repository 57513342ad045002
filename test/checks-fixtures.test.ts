// Golden tests: each test/fixtures/checks/*.flow ends with the diagnostics it must produce.
// `UPDATE_EXPECT=1 npx vitest run test/checks-fixtures.test.ts` rewrites those blocks.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectedBlock, flowFixtures, updating, withBlock } from "./helpers/golden-block";
import { check, formatDiagnostic } from "./checks-helpers";

const dir = fileURLToPath(new URL("./fixtures/checks", import.meta.url));
const NONE = "(none)";
const fixtures = flowFixtures(dir);

describe("checks fixtures", () => {
  it("has a fixture for every check code", () => {
    const codes = ["201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212", "213", "214", "305", "306", "407", "408"];
    for (const code of codes) expect(fixtures.some((f) => f.startsWith(`flow${code}`)), `flow${code}`).toBe(true);
  });

  it.each(fixtures)("%s", (name) => {
    const file = path.join(dir, name);
    const text = readFileSync(file, "utf8");
    const result = check(text, dir);
    const actual = [...result.syntax, ...result.diagnostics].map(formatDiagnostic);
    if (updating) writeFileSync(file, withBlock(text, actual, NONE));
    else expect(actual).toEqual(expectedBlock(text, NONE));
    expect(result.syntax).toEqual([]);
  });
});
