// The Prettier plugin: in process through Prettier's API (from source), and as a user runs it —
// the Prettier CLI with the bundled dist/prettier-plugin.js.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as prettier from "prettier";
import { describe, expect, inject, test } from "vitest";
import { formatFlow } from "../compiler/format/index";
import plugin, { PARSER_NAME } from "../compiler/format/prettier-plugin";
import { ROOT } from "./cli-spawn";
import { FMT_SAMPLES, readSampleText } from "./fmt-helpers";

const MESSY = path.join(ROOT, "test/fmt-fixtures/messy.flow");
const messy = readFileSync(MESSY, "utf8");
const plugins = [plugin];

describe("through Prettier's API", () => {
  test("prints what formatFlow prints, with the parser named and inferred from a .flow path", async () => {
    const expected = formatFlow(messy).text;
    expect(await prettier.format(messy, { parser: PARSER_NAME, plugins })).toBe(expected);
    expect(await prettier.format(messy, { filepath: "flows/messy.flow", plugins })).toBe(expected);
  });

  test.each(FMT_SAMPLES)("leaves the sample %s as it is", async (sample) => {
    const text = readSampleText(sample);
    expect(await prettier.format(text, { filepath: sample, plugins })).toBe(text);
    expect(await prettier.check(text, { filepath: sample, plugins })).toBe(true);
  });

  test("claims .flow files only when loaded; Prettier's own flow parser is not involved", async () => {
    expect((await prettier.getFileInfo("x.flow")).inferredParser).toBeNull();
    expect((await prettier.getFileInfo("x.flow", { plugins })).inferredParser).toBe(PARSER_NAME);
    const language = (await prettier.getSupportInfo({ plugins })).languages.find((l) => l.name === "Flow Pipeline");
    expect(language?.extensions).toEqual([".flow"]);
    expect(language?.parsers).toEqual([PARSER_NAME]);
  });

  test("caveat (docs/language.md): with the plugin loaded, Flow library definitions (*.js.flow) are claimed too", async () => {
    expect((await prettier.getFileInfo("lib.js.flow")).inferredParser).toBe("flow");
    expect((await prettier.getFileInfo("lib.js.flow", { plugins })).inferredParser).toBe(PARSER_NAME);
  });

  test("a syntax error is a parse error with a location for Prettier's code frame", async () => {
    const failure = prettier.format("flow x {\n  input a: text\n  node n = f(a {\n}\n", { parser: PARSER_NAME, plugins });
    await expect(failure).rejects.toThrow(SyntaxError);
    await expect(failure).rejects.toMatchObject({ loc: { start: { line: 3 } } });
  });

  test("follows Prettier's endOfLine option", async () => {
    const text = "flow x {\n  input a: text /* one\n  two */\n  output a\n}\n";
    expect(await prettier.format(text, { parser: PARSER_NAME, plugins, endOfLine: "crlf" })).toBe(text.replace(/\n/g, "\r\n"));
  });
});

describe("the Prettier CLI with dist/prettier-plugin.js", () => {
  const PRETTIER = path.join(ROOT, "node_modules/prettier/bin/prettier.cjs");
  const PLUGIN = path.join(ROOT, "dist/prettier-plugin.js");

  function prettierCli(args: string[], cwd: string) {
    const buildError = inject("flowcBuildError");
    if (buildError) throw new Error(buildError);
    return spawnSync(process.execPath, [PRETTIER, "--no-config", "--plugin", PLUGIN, ...args], { cwd, encoding: "utf8" });
  }

  test("--check names the unformatted file; --write formats it in place", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-fmt-prettier-"));
    copyFileSync(MESSY, path.join(dir, "messy.flow"));
    writeFileSync(path.join(dir, "canonical.flow"), formatFlow(messy).text);
    const check = prettierCli(["--check", "messy.flow", "canonical.flow"], dir);
    expect(check.status).toBe(1);
    expect(check.stdout + check.stderr).toContain("messy.flow");
    expect(check.stdout + check.stderr).not.toContain("canonical.flow");
    const write = prettierCli(["--write", "messy.flow"], dir);
    expect(write.stderr).toBe("");
    expect(write.status).toBe(0);
    expect(readFileSync(path.join(dir, "messy.flow"), "utf8")).toBe(formatFlow(messy).text);
  });
});
