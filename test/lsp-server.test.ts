// End to end: spawn `node bin/flowc.js lsp` (built by the global setup) and speak JSON-RPC over its
// stdio as an editor does — initialize, didOpen, diagnostics, didChange (break it, fix it), hover,
// completion, definition, references, rename, symbols, a quick fix, formatting, semantic tokens,
// inlay hints, a request that fails inside the server (which must live on), shutdown and exit.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import {
  DiagnosticSeverity,
  ErrorCodes,
  CodeActionTriggerKind,
  type CodeAction,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type InlayHint,
  type Location,
  type MarkupContent,
  type Range,
  type SemanticTokens,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { flowc } from "./cli-spawn";
import { LspClient, ROOT, positionOf, sampleText, sampleUri } from "./lsp-client";

const CAMPAIGN = sampleText("campaign.flow");
const campaign = sampleUri("campaign.flow");
const doc = { textDocument: { uri: campaign } };
const at = (needle: string, shift = 0) => ({ ...doc, position: positionOf(CAMPAIGN, needle, shift) });

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create("file:///x.flow", "flowc", 1, text), edits);
}

/** The range of `needle` in `text`, as the editor would select it. */
function rangeOf(text: string, needle: string): Range {
  const start = positionOf(text, needle);
  return { start, end: positionOf(text, needle, needle.length) };
}

describe("flowc lsp over stdio", () => {
  let client: LspClient;

  beforeAll(async () => {
    const buildError = inject("flowcBuildError");
    if (buildError) throw new Error(buildError);
    client = await LspClient.start();
  });

  afterAll(() => client?.kill());

  test("initialize announces every feature", () => {
    const capabilities = client.initialized!.capabilities;
    expect(client.initialized!.serverInfo?.name).toBe("flowc");
    for (const feature of ["hoverProvider", "completionProvider", "definitionProvider", "referencesProvider", "renameProvider", "documentSymbolProvider", "codeActionProvider", "documentFormattingProvider", "semanticTokensProvider", "inlayHintProvider"]) {
      expect(capabilities, feature).toHaveProperty(feature);
    }
  });

  test("didOpen publishes every diagnostic, lints included", async () => {
    const published = await client.open(campaign, CAMPAIGN);
    const byCode = new Map(published.diagnostics.map((d) => [d.code, d]));
    expect(byCode.get("FLOW301")).toMatchObject({ severity: DiagnosticSeverity.Warning, source: "flowc", message: "worst case 902.2896 credits exceeds the cap of 900 credits" });
    expect(byCode.get("FLOW301")!.range.start).toEqual({ line: 7, character: 4 });
    expect(byCode.get("FLOW401")).toMatchObject({ severity: DiagnosticSeverity.Information });
    expect(byCode.get("FLOW401")!.message).toContain("saves 99.8244352 credits of expected spend");
    // each diagnostic links to its heading in docs/language.md
    expect(byCode.get("FLOW301")!.codeDescription?.href).toMatch(/\/docs\/language\.md#flow301$/);
  });

  test("didChange: a break gives a syntax error, the fix takes it away", async () => {
    const line = "  node faces = face_detect(shots) { model face_v1 }";
    const broken = await client.change(campaign, "  node faces = face_detect(shots { model face_v1 }", rangeOf(CAMPAIGN, line));
    const errors = broken.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
    expect(errors.map((d) => d.code)).toContain("FLOW101");
    expect(broken.diagnostics.some((d) => d.code === "FLOW301")).toBe(false); // no figures while it does not parse
    const fixed = await client.change(campaign, CAMPAIGN);
    expect(fixed.diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(fixed.diagnostics.map((d) => d.code)).toContain("FLOW301");
  });

  test("hover on a node gives its figures and price formula", async () => {
    const hover = await client.request<Hover>("textDocument/hover", at("node full", 6));
    const text = (hover.contents as MarkupContent).value;
    expect(text).toContain("| credits | 419.4304 | 142.606336 |");
    expect(text).toContain("46.5% of the flow's worst case");
    expect(text).toContain("price: 4 credits/MP × 1.048576 MP = 4.194304 per output");
    expect(hover.range).toEqual({ start: { line: 37, character: 7 }, end: { line: 37, character: 11 } });
  });

  test("completion in three contexts", async () => {
    const labels = async (text: string, needle: string, shift: number) => {
      await client.change(campaign, text);
      const items = await client.request<CompletionItem[]>("textDocument/completion", { ...doc, position: positionOf(text, needle, shift) });
      return items.map((i) => i.label);
    };
    const line = await labels(CAMPAIGN.replace("  node faces", "  \n  node faces"), "  \n  node faces", 2);
    expect(line).toEqual(expect.arrayContaining(["input", "node", "gate", "review", "select", "budget", "output"]));
    const model = await labels(CAMPAIGN.replace("model esrgan\n", "model \n"), "model \n    resolution 4096", 6);
    expect(model).toEqual(["face_v1", "flux_schnell", "flux_pro", "esrgan", "captioner"]);
    const metric = await labels(CAMPAIGN.replace("faces.confidence", "faces."), "faces.", 6);
    expect(metric).toEqual(["confidence"]);
    await client.change(campaign, CAMPAIGN);
  });

  test("definition, references and rename", async () => {
    const target = await client.request<Location>("textDocument/definition", at("generate(face_ok", 10));
    expect(target).toEqual({ uri: campaign, range: { start: { line: 24, character: 7 }, end: { line: 24, character: 14 } } });
    const refs = await client.request<Location[]>("textDocument/references", { ...at("style: style_ref", 9), context: { includeDeclaration: true } });
    expect(refs.map((r) => r.range.start.line)).toEqual([17, 29, 37]);
    const edit = await client.request<WorkspaceEdit>("textDocument/rename", { ...at("node faces", 6), newName: "detections" });
    const renamed = apply(CAMPAIGN, edit.changes![campaign]!);
    expect(renamed).toContain("node detections = face_detect(shots)");
    expect(renamed).toContain("gate face_ok = detections.confidence >= 0.8");
    await expect(client.request("textDocument/rename", { ...at("node faces", 6), newName: "gate" })).rejects.toMatchObject({
      code: ErrorCodes.InvalidParams,
      message: "'gate' is a keyword of the .flow language",
    });
  });

  test("document symbols", async () => {
    const [flow] = await client.request<DocumentSymbol[]>("textDocument/documentSymbol", doc);
    expect(flow!.name).toBe("campaign_portraits");
    expect(flow!.children!.map((c) => c.name)).toContain("full");
  });

  test("a lint's quick fix, applied, takes the lint away and lowers the expected spend", async () => {
    const uri = sampleUri("review_moved.flow");
    const text = sampleText("campaign.flow");
    const opened = await client.open(uri, text);
    const lint = opened.diagnostics.find((d) => d.code === "FLOW401")!;
    expect(lint.message).toContain("99.8244352");
    const request = (triggerKind?: number) =>
      client.request<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range: lint.range, context: { diagnostics: [lint], triggerKind } });
    const actions = await request();
    const fix = actions.find((a) => a.diagnostics?.[0]?.code === "FLOW401")!;
    expect(fix.kind).toBe("quickfix");
    expect(fix.isPreferred).toBe(true);
    // "fix all" when the user asks (Ctrl+.), not on every request the cursor makes
    expect(actions.map((a) => a.kind)).not.toContain("source.fixAll.flowc");
    expect((await request(CodeActionTriggerKind.Invoked)).map((a) => a.kind)).toContain("source.fixAll.flowc");
    const fixedText = apply(text, fix.edit!.changes![uri]!);
    const after = await client.settled(uri, client.version(uri) + 1, client.change(uri, fixedText));
    expect(after.diagnostics.map((d) => d.code)).not.toContain("FLOW401");
    const hover = await client.request<Hover>("textDocument/hover", { textDocument: { uri }, position: positionOf(fixedText, "flow campaign_portraits", 6) });
    expect((hover.contents as MarkupContent).value).toContain("expected: 172.2012864 credits");
  });

  test("formatting returns the formatter's text; a formatted text needs no edits", async () => {
    const uri = sampleUri("messy.flow");
    const messy = "flow messy {\ninput a:text[3]\n    node n=caption(a){cost 1 credit}\n  output n\n}\n";
    await client.open(uri, messy);
    const edits = await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const formatted = apply(messy, edits);
    expect(formatted).toBe("flow messy {\n  input a: text[3]\n  node n = caption(a) { cost 1 credit }\n  output n\n}\n");
    await client.change(uri, formatted);
    expect(await client.request<TextEdit[]>("textDocument/formatting", { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  test("semantic tokens and inlay hints", async () => {
    const tokens = await client.request<SemanticTokens>("textDocument/semanticTokens/full", doc);
    expect(tokens.data.length % 5).toBe(0);
    // the first token: the comment on line 1, as a comment
    expect(tokens.data.slice(0, 5)).toEqual([0, 0, CAMPAIGN.indexOf("\n"), client.initialized!.capabilities.semanticTokensProvider!.legend.tokenTypes.indexOf("comment"), 0]);
    const hints = await client.request<InlayHint[]>("textDocument/inlayHint", { ...doc, range: { start: { line: 0, character: 0 }, end: { line: 61, character: 0 } } });
    expect(hints.find((h) => h.position.line === 37)?.label).toBe("worst 419.4304 · exp 142.606336");
  });

  test("a request that fails inside the server is answered with an error, and the server lives on", async () => {
    await expect(client.request("textDocument/hover", { ...doc, position: { line: 10_000, character: 0 } })).rejects.toMatchObject({ code: ErrorCodes.InvalidParams });
    await expect(client.request("textDocument/hover", { textDocument: { uri: "file:///nowhere.flow" }, position: { line: 0, character: 0 } })).rejects.toMatchObject({
      code: ErrorCodes.InvalidParams,
      message: "flowc: hover failed: document file:///nowhere.flow is not open",
    });
    expect(client.logs.join("\n")).toMatch(/hover failed: .*outside the document/);
    const hover = await client.request<Hover>("textDocument/hover", at("node full", 6));
    expect((hover.contents as MarkupContent).value).toContain("419.4304");
    const again = await client.change(campaign, CAMPAIGN.replace("cap 900 credits", "cap 1000 credits"));
    expect(again.diagnostics.map((d) => d.code)).not.toContain("FLOW301");
  });

  test("shutdown and exit end the process with status 0", async () => {
    expect(await client.stop()).toBe(0);
  });
});

describe("loading", () => {
  // from the ES modules (dist/cli.js), and from the code-cached script (bin/code-cache.js)
  test.each([
    [{ FLOWC_NO_CODE_CACHE: "1" }, /dist\/cli\.js/],
    [{}, /bin\/code-cache\.js/],
  ])("only `flowc lsp` loads the server: check and cost do not (%j)", (env, entry) => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "flowc-lsp-load-")), "modules.log");
    flowc(["check", "samples/sharp_drafts.flow"], { nodeArgs: ["--import", path.join(ROOT, "test/cli-load-probe.mjs")], env: { FLOWC_LOAD_LOG: log, ...env } });
    const modules = readFileSync(log, "utf8");
    expect(modules).toMatch(entry);
    expect(modules).not.toMatch(/dist\/lsp\.js|vscode-languageserver/);
  });
});
