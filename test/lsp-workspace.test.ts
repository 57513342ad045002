// Rename and find references reach every `.flow` file of the workspace folders, not only the open
// documents: renaming a model declared in an imported file changes a closed importer on disk too
// (which otherwise breaks), and leaves alone a file with its own model of that name. Over LSP.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Location, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import { LspClient, positionOf } from "./lsp-client";
import { cli, tempDir } from "./diff-helpers";

const STUDIO = "model flux { rate 1 credit per megapixel }\n";
const importer = (name: string) => `import "models/studio.flow"\nflow ${name} {\n  input a: text[2]\n  node n = generate(a) { model flux  resolution 1000x1000 }\n  output n\n}\n`;
const OWN = "model flux { rate 9 credits per megapixel }\nflow own {\n  input a: text[2]\n  node n = generate(a) { model flux  resolution 1000x1000 }\n  output n\n}\n";

/** Apply one file's edits to its text (LSP positions, edits that do not overlap). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split("\n");
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)).reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

describe("rename and references across the workspace", () => {
  const dir = tempDir("lsp-workspace");
  const uri = (file: string) => pathToFileURL(path.join(dir, file)).href;
  let client: LspClient;

  beforeAll(async () => {
    mkdirSync(path.join(dir, "models"));
    writeFileSync(path.join(dir, "models/studio.flow"), STUDIO);
    writeFileSync(path.join(dir, "open.flow"), importer("opened"));
    writeFileSync(path.join(dir, "closed.flow"), importer("closed"));
    writeFileSync(path.join(dir, "own.flow"), OWN);
    client = await LspClient.start({ workspace: dir });
    await client.open(uri("models/studio.flow"), STUDIO);
    await client.open(uri("open.flow"), importer("opened"));
  });

  afterAll(async () => {
    await client.stop();
  });

  test("references of an imported model include the closed importer, not a file with its own model", async () => {
    const text = importer("opened");
    const found = await client.request<Location[]>("textDocument/references", { textDocument: { uri: uri("open.flow") }, position: positionOf(text, "model flux", 6), context: { includeDeclaration: true } });
    expect(found.map((l) => `${path.basename(l.uri)}:${l.range.start.line + 1}`).sort()).toEqual(["closed.flow:4", "open.flow:4", "studio.flow:1"]);
  });

  test("renaming the model where it is declared edits every importer, open or closed; the closed one still checks", async () => {
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: uri("models/studio.flow") }, position: positionOf(STUDIO, "flux"), newName: "flux_dev" });
    expect(Object.keys(edit.changes ?? {}).map((u) => path.relative(dir, new URL(u).pathname)).sort()).toEqual(["closed.flow", "models/studio.flow", "open.flow"]);
    for (const [target, edits] of Object.entries(edit.changes!)) {
      const file = new URL(target).pathname;
      writeFileSync(file, applyEdits(readFileSync(file, "utf8"), edits));
    }
    expect(readFileSync(path.join(dir, "closed.flow"), "utf8")).toContain("model flux_dev  resolution");
    expect(readFileSync(path.join(dir, "own.flow"), "utf8")).toBe(OWN);
    // absolute: in-process, imports are resolved against the process's folder
    const check = await cli(["check", ...["closed.flow", "open.flow", "own.flow"].map((f) => path.join(dir, f)), "--format", "json"], dir);
    expect(JSON.parse(check.stdout).summary.errors).toBe(0);
  });

  test("a name that a closed importer already declares is refused", async () => {
    writeFileSync(path.join(dir, "clash.flow"), importer("clash").replace("flow clash", "model flux_pro { rate 2 credits per megapixel }\nflow clash").replace("model flux ", "model flux_dev "));
    const studio = readFileSync(path.join(dir, "models/studio.flow"), "utf8");
    await client.change(uri("models/studio.flow"), studio);
    const refused = client.request("textDocument/rename", { textDocument: { uri: uri("models/studio.flow") }, position: positionOf(studio, "flux"), newName: "flux_pro" });
    await expect(refused).rejects.toThrow(/model 'flux_pro' is already declared for clash\.flow/);
  });
});
