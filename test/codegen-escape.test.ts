// Text that reaches the generated module — the flow file's path in its comments, string params in
// its graph — stays text: over arbitrary strings (with `*/`, line breaks, U+2028/2029 and code
// mixed in), the module parses, has exactly the statements codegen writes, and importing it runs no
// injected code. `flowc compile` of a flow in a folder named like code prints the path as text.
import fc from "fast-check";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { commentText, generateModule } from "../compiler/codegen";
import { analyzeFile } from "../compiler/index";
import { flowc } from "./cli-spawn";

const MARK = "__flowcInjected";
const payloads = [
  `*/;globalThis.${MARK}=1;/*`,
  `\nglobalThis.${MARK}=1;//`,
  `\r\nglobalThis.${MARK}=1;//`,
  `\u2028globalThis.${MARK}=1;//`,
  `\u2029globalThis.${MARK}=1;//`,
  `"];globalThis.${MARK}=1;//`,
  `\`;globalThis.${MARK}=1;//`,
  "*/",
  "/*",
  "\\",
];

/** Arbitrary text with payloads spliced in. */
const hostile = fc
  .array(fc.oneof(fc.string({ unit: "binary", maxLength: 12 }), fc.constantFrom(...payloads)), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(""));

function flowText(prompt: string): string {
  return `flow escapes {
  input docs: text[2]
  budget { cap 10 credits }
  node pics = generate(docs) { cost 1 credits param prompt = ${JSON.stringify(prompt)} }
  output pics
}
`;
}

async function compile(source: string, prompt: string): Promise<string> {
  const analysis = analyzeFile("escapes.flow", flowText(prompt), { readFile: () => undefined });
  if (!analysis.model || !analysis.cost) throw new Error(analysis.diagnostics.map((d) => d.message).join("; "));
  return generateModule(analysis.model, analysis.cost, { sourceFile: source });
}

/** Parses the module and imports it against a stand-in runtime; the statements' kinds and the graph. */
async function load(code: string): Promise<{ kinds: string[]; diagnostics: number; graph: { streams: { params?: { prompt?: string } }[] } }> {
  const { ts } = await import("ts-morph");
  const file = ts.createSourceFile("flow.ts", code, ts.ScriptTarget.ES2022, true);
  const diagnostics = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  const kinds = file.statements.map((s) => (ts.isImportDeclaration(s) ? "import" : ts.isInterfaceDeclaration(s) ? "interface" : ts.isVariableStatement(s) ? "const" : ts.isFunctionDeclaration(s) ? "function" : ts.SyntaxKind[s.kind]!));
  const stub = `data:text/javascript,${encodeURIComponent("export const startRun = () => undefined; export const resumeRun = () => undefined;")}`;
  const javascript = ts.transpileModule(code.replace('from "flowc/runtime"', `from ${JSON.stringify(stub)}`), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = (await import(`data:text/javascript;base64,${Buffer.from(javascript).toString("base64")}`)) as { graph: { streams: { params?: { prompt?: string } }[] } };
  return { kinds, diagnostics, graph: module.graph };
}

const STATEMENTS = ["import", "interface", "interface", "const", "const", "const", "const", "const", "function", "function"];

describe("escaping in generated code", () => {
  test("comment text never closes a comment or starts a line", () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const safe = commentText(text);
        expect(safe).not.toMatch(/[\n\r\u2028\u2029]/);
        expect(safe).not.toContain("*/");
      }),
      { numRuns: 500 },
    );
  });

  test("a hostile path or string param: the module parses, holds only codegen's statements, and runs nothing", async () => {
    await fc.assert(
      // generate's schema asks for a prompt of at least one character
      fc.asyncProperty(hostile, hostile.filter((prompt) => prompt.length > 0), async (source, prompt) => {
        const loaded = await load(await compile(source, prompt));
        expect(loaded.diagnostics).toBe(0);
        expect(loaded.kinds).toEqual(STATEMENTS);
        expect((globalThis as Record<string, unknown>)[MARK]).toBeUndefined();
        expect(loaded.graph.streams[1]!.params?.prompt).toBe(prompt);
      }),
      { numRuns: 10 },
    );
  });

  test("`flowc run` of a flow in a folder named a*/;process.stdout.write(\"x\");/* runs no code of the path's", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "flowc-escape-"));
    const folder = path.join(root, "a*", ';process.stdout.write("x");', "*");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "f.flow"), flowText("hi"));
    const run = flowc(["run", path.join(folder, "f.flow"), "--json"], { cwd: root });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    // stdout is JSON lines only: an injected write would put an "x" before one of them
    for (const line of run.stdout.trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
    const code = await compile(path.relative(root, path.join(folder, "f.flow")), "hi");
    expect(code).toContain('// Generated from a*\\/;process.stdout.write("x");/*\\/f.flow by flowc');
  });
});
