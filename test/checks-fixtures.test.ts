// Golden tests: each test/fixtures/checks/*.flow ends with the diagnostics it must produce.
// `UPDATE_EXPECT=1 npx vitest run test/checks-fixtures.test.ts` rewrites those blocks.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { check, formatDiagnostic } from "./checks-helpers";

const dir = fileURLToPath(new URL("./fixtures/checks", import.meta.url));
const MARKER = "// ---- expected diagnostics ----";
const NONE = "(none)";
const update = process.env.UPDATE_EXPECT === "1";

function expectedBlock(text: string): string[] {
  const at = text.indexOf(MARKER);
  if (at < 0) return [];
  return text
    .slice(at + MARKER.length)
    .split("\n")
    .map((line) => line.replace(/^\/\/ ?/, "").trimEnd())
    .filter((line) => line !== "" && line !== NONE);
}

function withBlock(text: string, lines: string[]): string {
  const at = text.indexOf(MARKER);
  const source = (at < 0 ? text : text.slice(0, at)).trimEnd();
  return `${source}\n\n${MARKER}\n${(lines.length > 0 ? lines : [NONE]).map((l) => `// ${l}`).join("\n")}\n`;
}

const fixtures = readdirSync(dir).filter((f) => f.endsWith(".flow")).sort();

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
    if (update) writeFileSync(file, withBlock(text, actual));
    else expect(actual).toEqual(expectedBlock(text));
    expect(result.syntax).toEqual([]);
  });
});
