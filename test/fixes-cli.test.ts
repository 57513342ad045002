// `flowc check --fix` and `--fix-dry-run` as a user runs them, on copies of the samples and the
// fix fixtures: the diff of the dry run, applied, is what --fix writes, and the language server's
// code actions ("fix all", and each quick fix) make exactly the same edits.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { applyPatch, parsePatch } from "diff";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { CodeActionKind, type CodeAction, type TextEdit } from "vscode-languageserver";
import { fixAll, preferredFixes, quickFixEdits } from "../compiler/fix-all";
import { applyFixes } from "../compiler/fixes";
import { formatFlow } from "../compiler/format/index";
import { codeActions, FIX_ALL_KIND } from "../lsp/code-actions";
import { DocumentStore, pathToUri } from "../lsp/documents";
import { ROOT, flowc } from "./cli-spawn";
import { analyse } from "./lints-helpers";

let dir: string;
let names: string[];
const originals = new Map<string, string>();

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "flowc-fix-"));
  cpSync(path.join(ROOT, "samples"), dir, { recursive: true });
  for (const f of readdirSync(path.join(ROOT, "test/fixtures/fixes"))) cpSync(path.join(ROOT, "test/fixtures/fixes", f), path.join(dir, f));
  names = readdirSync(dir).filter((f) => f.endsWith(".flow")).sort();
  for (const name of names) originals.set(name, readFileSync(path.join(dir, name), "utf8"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string) => readFileSync(path.join(dir, name), "utf8");

function applyLsp(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create("file:///x.flow", "flowc", 1, text), edits);
}

/** What the language server's "fix all" action makes of a file. */
function fixAllByServer(name: string, text: string): string {
  const store = new DocumentStore();
  const uri = pathToUri(path.join(dir, name));
  store.open(uri, 1, text);
  const everything = { start: { line: 0, character: 0 }, end: { line: text.split("\n").length, character: 0 } };
  const action = codeActions(store, { textDocument: { uri }, range: everything, context: { diagnostics: [], only: [CodeActionKind.SourceFixAll] } })[0];
  return action ? applyLsp(text, action.edit!.changes![uri]!) : text;
}

describe("flowc check --fix-dry-run, then --fix", () => {
  test("the dry run prints a unified diff and writes nothing; --fix writes what the diff says, and what the language server's fix-all makes", () => {
    const dry = flowc(["check", "--fix-dry-run", ...names], { cwd: dir });
    expect(dry.status, dry.stderr).toBe(0);
    for (const name of names) expect(read(name)).toBe(originals.get(name));
    const patches = parsePatch(dry.stdout);
    expect(patches.length).toBeGreaterThan(5);
    expect(dry.stderr).toContain("flowc: storyboard.flow: 3 fixes would be applied (nothing written: --fix-dry-run)\n");

    const fixed = flowc(["check", "--fix", ...names], { cwd: dir });
    expect(fixed.stderr).toContain("flowc: storyboard.flow: applied 3 fixes in 3 rounds\n");
    for (const name of names) {
      const patch = patches.find((p) => p.oldFileName === `a/${name}`);
      const original = originals.get(name)!;
      const expected = patch ? applyPatch(original, patch) : original;
      expect(read(name), name).toBe(expected);
      expect(fixAllByServer(name, original), name).toBe(read(name));
    }
    // what is left is reported as `flowc check` reports it, on the fixed text
    expect(fixed.stdout).toContain("storyboard.flow:9:12 - warning FLOW301: worst case 304.128 credits exceeds the cap of 100 credits");
    // the errors (FLOW301 under 'strict', FLOW302) are fixed: warnings are left, which fail only --deny-warnings
    expect(fixed.status).toBe(0);
    const again = flowc(["check", "--fix", ...names], { cwd: dir });
    expect(again.stderr).toBe("");
    for (const name of names) expect(read(name)).toBe(readFileSync(path.join(dir, name), "utf8"));
  });

  test("fixes in a file that is not formatted are made as they are, without formatting the rest", () => {
    const file = path.join(dir, "messy.flow");
    const messy = "flow messy {\ninput a:text[3]   // three\n    node n=caption(a){cost 1 credit}\n  output n\n}\n";
    writeFileSync(file, messy);
    const run = flowc(["check", "--fix", "messy.flow"], { cwd: dir });
    expect(run.status).toBe(0);
    expect(read("messy.flow")).toBe("flow messy {\ninput a:text[3]   // three\nbudget { cap 3.8 credits }\n    node n=caption(a){cost 1 credit}\n  output n\n}\n");
  });

  test("bad combinations are bad usage", () => {
    expect(flowc(["check", "--fix", "--fix-dry-run", "storyboard.flow"], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: "flowc: --fix and --fix-dry-run do not go together: write the fixes, or show them\n",
    });
    expect(flowc(["check", "--fix-dry-run", "--format", "json", "storyboard.flow"], { cwd: dir })).toMatchObject({
      status: 2,
      stderr: "flowc: --fix-dry-run prints a diff: it does not go with --format json\n",
    });
  });
});

describe("the language server's quick fixes", () => {
  const flows = ["samples/campaign.flow", "samples/sharp_drafts.flow", "test/fixtures/fixes/storyboard.flow", "test/fixtures/lints/flow408-expect-rate.flow"];

  test.each(flows)("%s: each quick fix makes the edits of compiler/fix-all.ts, and a formatted file stays formatted", (name) => {
    const file = path.join(ROOT, name);
    const text = readFileSync(file, "utf8");
    const store = new DocumentStore();
    const uri = pathToUri(file);
    store.open(uri, 1, text);
    const diagnostics = analyse(file, text).diagnostics.filter((d) => d.fix);
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      const range = { start: { line: d.range.start.line - 1, character: d.range.start.column - 1 }, end: { line: d.range.end.line - 1, character: d.range.end.column - 1 } };
      const actions: CodeAction[] = codeActions(store, { textDocument: { uri }, range, context: { diagnostics: [], only: [CodeActionKind.QuickFix] } });
      const action = actions.find((a) => a.title === d.fix!.title)!;
      expect(action.isPreferred).toBe(d.fix!.preferred !== false);
      const byServer = applyLsp(text, action.edit!.changes![uri]!);
      expect(byServer).toBe(applyFixes(text, quickFixEdits(text, d.fix!.edits)));
      if (formatFlow(text).text === text) expect(formatFlow(byServer).text).toBe(byServer);
    }
  });

  test("a fix-all action is offered only when there is a preferred fix, and it is the CLI's fix-all", () => {
    const file = path.join(ROOT, "samples", "comic_panels.flow");
    const text = readFileSync(file, "utf8");
    expect(preferredFixes(analyse(file, text))).toEqual([]);
    const store = new DocumentStore();
    const uri = pathToUri(file);
    store.open(uri, 1, text);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    expect(codeActions(store, { textDocument: { uri }, range, context: { diagnostics: [], only: [FIX_ALL_KIND] } })).toEqual([]);
    const storyboard = readFileSync(path.join(ROOT, "test/fixtures/fixes/storyboard.flow"), "utf8");
    const fixedByCli = fixAll(storyboard, (t) => analyse(path.join(dir, "storyboard.flow"), t)).text;
    expect(fixAllByServer("storyboard.flow", storyboard)).toBe(fixedByCli);
  });
});
