// The user documentation keeps up with the code: every diagnostic code has a row in the reference,
// every built-in op is described with its metrics and params, every `flow` example is valid, and
// the README's test command is the one CI runs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CODES, type DiagnosticCode } from "../syntax/diagnostics";
import { CODE_DOCS, codeAnchor, helpUri } from "../compiler/code-docs";
import { FLOWC_REFERENCE } from "../compiler/version";
import { BUILTIN_OPS } from "../compiler/builtins";
import { analyzeFile } from "../compiler/index";
import { parse } from "../grammar/index";
import { ROOT } from "./cli-spawn";

const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const language = read("docs/language.md");

/** The rows of the diagnostics table: `| FLOW201 | error | unknown name |`. */
function diagnosticRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of text.matchAll(/^\| (FLOW\d{3}) \| ([^|]+) \|/gm)) rows.set(match[1]!, match[2]!.trim());
  return rows;
}

/** The row of the built-in ops table for one op. */
function opRow(text: string, op: string): string | undefined {
  return text.split("\n").find((line) => line.startsWith(`| \`${op}\` |`));
}

describe("docs/language.md", () => {
  const rows = diagnosticRows(language);

  test.each(Object.keys(CODES))("has a row for %s with its default severity", (code) => {
    const severity = CODES[code as keyof typeof CODES].severity;
    expect(rows.get(code)).toMatch(new RegExp(`^${severity}\\b`));
  });

  test("lists no code that the compiler does not have", () => {
    expect([...rows.keys()].filter((code) => !(code in CODES))).toEqual([]);
  });

  test.each([...BUILTIN_OPS.keys()])("describes the built-in op %s: metrics, batchable, params, what it makes", (name) => {
    const op = BUILTIN_OPS.get(name)!;
    const row = opRow(language, name);
    expect(row, `no row for ${name} in section 8`).toBeDefined();
    const cells = row!.split("|").map((cell) => cell.trim());
    for (const metric of Object.keys(op.metrics)) expect(cells[2]).toContain(`\`${metric}\``);
    expect(cells[3]).toBe(op.batchable ? "yes" : "no");
    const params = Object.keys((op.schema.properties ?? {}) as Record<string, unknown>);
    // `video` refers to the params of `generate` rather than repeating them.
    const listed = (param: string) => cells[4]!.includes(`\`${param}\``) || (name === "video" && opRow(language, "generate")!.includes(`\`${param}\``));
    expect(params.filter((param) => !listed(param))).toEqual([]);
    expect(cells[5]).toMatch(new RegExp(`^${op.makes}\\b|\\b${op.makes}$`));
  });

  test("has the section on departures from the contract", () => {
    expect(language).toContain("## Where flowc extends or departs from the contract, and why");
  });
});

/** The ```flow blocks of a Markdown text. */
function flowBlocks(text: string): string[] {
  return [...text.matchAll(/^```flow\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** A block that declares a flow, as opposed to a fragment of one (a node, a gate, a budget). */
const isWholeFlow = (block: string) => /^\s*flow\s/m.test(block.replace(/\/\/[^\n]*/g, ""));
/** Models and ops stand at the top of a file; any other fragment stands inside a flow. */
const isTopLevel = (block: string) => /^(model|op|import)\s/.test(block.replace(/\/\/[^\n]*/g, "").trim());

const noImports = { readFile: () => undefined };

describe.each(["README.md", "docs/language.md"])("the flow examples of %s", (doc) => {
  const blocks = flowBlocks(read(doc));

  test("there are some, and at least one whole flow", () => {
    expect(blocks.filter(isWholeFlow).length).toBeGreaterThan(0);
  });

  test("whole flows check without errors", () => {
    for (const block of blocks.filter(isWholeFlow)) {
      const errors = analyzeFile(`${doc}.flow`, block, noImports).diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => `${d.code} ${d.message}`), block).toEqual([]);
    }
  });

  test("fragments parse, inside a flow unless they declare models or ops", () => {
    for (const block of blocks.filter((b) => !isWholeFlow(b))) {
      const text = isTopLevel(block) ? block : `flow example {\n${block}}\n`;
      expect(parse(text).diagnostics.map((d) => d.message), block).toEqual([]);
    }
  });
});

/** GitHub's anchors for the headings of a Markdown text (lower case, punctuation dropped, spaces to dashes, repeats numbered). */
function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const body = text.replace(/^```[\s\S]*?^```/gm, "");
  for (const [, title] of body.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = title!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

const CODES_START = "<!-- every code: written from compiler/code-docs.ts by test/docs.test.ts (UPDATE_EXPECT=1) -->";
const CODES_END = "<!-- end of every code -->";

/** The "Every code" section as compiler/code-docs.ts has it: a heading per code, which diagnostics link to. */
function everyCodeSection(): string {
  const entries = (Object.keys(CODES) as DiagnosticCode[]).map((code) => `#### ${code}\n\n*${CODES[code].severity}* — ${CODE_DOCS[code]}\n`);
  return [CODES_START, "", ...entries.flatMap((e) => [e]), CODES_END].join("\n");
}

describe("documentation links of diagnostics (SARIF helpUri, LSP codeDescription)", () => {
  test("docs/language.md's 'Every code' section is written from compiler/code-docs.ts", () => {
    const file = path.join(ROOT, "docs/language.md");
    const text = readFileSync(file, "utf8");
    const start = text.indexOf(CODES_START);
    const end = text.indexOf(CODES_END) + CODES_END.length;
    expect(start, "the markers of the section").toBeGreaterThan(0);
    const current = text.slice(start, end);
    if (process.env.UPDATE_EXPECT === "1") writeFileSync(file, text.slice(0, start) + everyCodeSection() + text.slice(end));
    else expect(current).toBe(everyCodeSection());
  });

  test.each(Object.keys(CODES))("%s links to a heading of docs/language.md that exists", (code) => {
    const uri = helpUri(code as DiagnosticCode);
    expect(uri).toBe(`${FLOWC_REFERENCE}#${codeAnchor(code as DiagnosticCode)}`);
    expect(FLOWC_REFERENCE).toMatch(/^https:\/\/.+\/docs\/language\.md$/);
    expect(existsSync(path.join(ROOT, "docs/language.md"))).toBe(true);
    expect(headingAnchors(language).has(uri.split("#")[1]!)).toBe(true);
  });

  test("the anchors of the README's and the docs' own links resolve too", () => {
    for (const [doc, text] of [["README.md", read("README.md")], ["docs/ci.md", read("docs/ci.md")]] as const) {
      for (const [, target, anchor] of text.matchAll(/\]\(((?:docs\/)?language\.md)#([^)]+)\)/g)) {
        expect(headingAnchors(language).has(anchor!), `${doc} links to ${target}#${anchor}`).toBe(true);
      }
    }
  });
});

describe("README.md", () => {
  const readme = read("README.md");

  test("the quick start is two commands, the second `npm test`", () => {
    const quickStart = readme.split("## Quick start")[1]?.split("\n## ")[0] ?? "";
    const commands = [...quickStart.matchAll(/^```(?:sh|bash|shell)?\n([\s\S]*?)```/gm)].flatMap((m) => m[1]!.trim().split("\n"));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm ci && npx flowc /);
    expect(commands[1]).toBe("npm test");
  });

  test(".ci/run runs the README's test command with the JSON reporter added", () => {
    expect(read(".ci/run")).toMatch(/^npm test -- .*--reporter=json/m);
  });
});
