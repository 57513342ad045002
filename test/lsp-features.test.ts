// The language features run in-process on a DocumentStore (no connection): completion in each
// context, hover figures, definition into imports, references, rename and its refusals,
// symbols, semantic tokens, and what still works in a file that does not parse.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { CompletionItemKind, type CompletionItem, type Hover, type MarkupContent } from "vscode-languageserver";
import { completion } from "../lsp/completion";
import { definition } from "../lsp/definition";
import { DocumentStore, pathToUri } from "../lsp/documents";
import { hover } from "../lsp/hover";
import { inlayHints } from "../lsp/inlay-hints";
import { references } from "../lsp/references";
import { prepareRename, rename } from "../lsp/rename";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "../lsp/semantic-tokens";
import { documentSymbols } from "../lsp/symbols";
import { carriedLints, diagnosticsParams } from "../lsp/diagnostics";
import { ROOT, positionOf, sampleText, sampleUri } from "./lsp-client";

const FLOW = "/virtual/flows/main.flow";

function storeWith(text: string, files: Record<string, string> = {}): { store: DocumentStore; uri: string } {
  const store = new DocumentStore({ readDisk: (file) => files[file] });
  const uri = pathToUri(FLOW);
  store.open(uri, 1, text);
  return { store, uri };
}

/** The text with `|` marking the cursor, and that position. */
function cursor(marked: string): { text: string; position: { line: number; character: number } } {
  const at = marked.indexOf("|");
  return { text: marked.slice(0, at) + marked.slice(at + 1), position: positionOf(marked, "|") };
}

function complete(marked: string, files: Record<string, string> = {}): CompletionItem[] {
  const { text, position } = cursor(marked);
  const { store, uri } = storeWith(text, files);
  return completion(store, { textDocument: { uri }, position });
}

const labels = (items: CompletionItem[]) => items.map((i) => i.label);

function hoverText(result: Hover | null): string {
  return (result?.contents as MarkupContent | undefined)?.value ?? "";
}

const CAMPAIGN = sampleText("campaign.flow");

describe("completion", () => {
  test("declaration keywords at the start of a line in a flow, top-level keywords outside it", () => {
    const inFlow = labels(complete(CAMPAIGN.replace("  node faces", "  |\n  node faces")));
    expect(inFlow).toEqual(expect.arrayContaining(["input", "node", "gate", "review", "select", "budget", "output"]));
    expect(inFlow).not.toContain("resolution");
    expect(labels(complete("|\nflow f {\n}\n"))).toEqual(["import", "model", "op", "flow"]);
    expect(labels(complete("flow f {\n  input a: image\n}\n|"))).toEqual(["import", "model", "op", "flow"]);
  });

  test("node properties inside a node block, gate and review properties in theirs", () => {
    expect(labels(complete(CAMPAIGN.replace("    variants 4", "    variants 4\n    |")))).toEqual(expect.arrayContaining(["model", "resolution", "retry", "cache", "expect fail"]));
    expect(labels(complete(CAMPAIGN.replace("    else discard", "    else discard\n    |")))).toEqual(["expect pass", "else"]);
    expect(labels(complete(CAMPAIGN.replace("    expect approve 30%", "    |")))).toEqual(["expect approve", "else", "timeout"]);
    expect(labels(complete(CAMPAIGN.replace("    cap 900 credits", "    |")))).toEqual(["cap", "alert", "strict"]);
  });

  test("model names after `model`, op names after `=`, stream names in arguments", () => {
    const models = complete(CAMPAIGN.replace("model esrgan\n", "model |\n"));
    expect(labels(models)).toEqual(["face_v1", "flux_schnell", "flux_pro", "esrgan", "captioner"]);
    expect(models[1]).toMatchObject({ kind: CompletionItemKind.Class, detail: "1 credit per megapixel" });
    const ops = labels(complete(CAMPAIGN.replace("node final = upscale(", "node final = |(")));
    expect(ops).toEqual(expect.arrayContaining(["generate", "upscale", "face_detect", "caption"]));
    const args = labels(complete(CAMPAIGN.replace("node final = upscale(approved)", "node final = upscale(|)")));
    expect(args).toEqual(expect.arrayContaining(["shots", "faces", "face_ok", "approved", "captions"]));
    expect(args).not.toContain("final");
    expect(labels(complete(CAMPAIGN.replace("generate(direction, style: style_ref)", "generate(direction, style: |)")))).toContain("style_ref");
    expect(labels(complete(CAMPAIGN.replace("output final, captions", "output final, |")))).toContain("captions");
  });

  test("the source op's metrics after `name.` in a gate and after `by highest`", () => {
    const metrics = complete(CAMPAIGN.replace("faces.confidence >= 0.8", "faces.|"));
    expect(labels(metrics)).toEqual(["confidence"]);
    expect(metrics[0]!.detail).toBe("face_detect metric, 0..1");
    const qc = sampleText("sharp_drafts.flow").replace("qc.sharpness", "qc.|");
    expect(labels(complete(qc))).toEqual(["sharpness", "legibility", "aesthetic"]);
    const select = CAMPAIGN.replace("select direction = previews by human", "select direction = previews by highest |");
    expect(labels(complete(select))).toEqual(["aesthetic", "prompt_match"]);
    expect(labels(complete(CAMPAIGN.replace("select direction = previews by human", "select direction = previews by |")))).toEqual(["human", "highest", "lowest"]);
  });

  test("a declared op's metrics, from an imported file", () => {
    const studio = "/virtual/flows/models/studio.flow";
    const files = { [studio]: sampleText("models/studio.flow") };
    const flow = 'import "models/studio.flow"\nflow f {\n  input p: image[4]\n  node cut = remove_background(p) { model cutout_v2  resolution 512x512 }\n  gate ok = cut.|\n}\n';
    expect(labels(complete(flow, files))).toEqual(["mask_quality"]);
  });

  test("units after `per`, `call` after overhead and cost, `.rejected` after a gate", () => {
    expect(labels(complete("model m { rate 2 credits per |"))).toEqual(["megapixel", "second", "item"]);
    expect(labels(complete("model m { rate 2 credits per megapixel per |"))).toEqual(["megapixel", "second", "item"]);
    expect(labels(complete("model m { overhead 1 credit per |"))).toEqual(["call"]);
    expect(labels(complete(CAMPAIGN.replace("node final = upscale(approved)", "node final = upscale(approved.|)")))).toEqual(["rejected"]);
    expect(labels(complete(CAMPAIGN.replace("node final = upscale(approved)", "node final = upscale(faces.|)")))).toEqual([]);
  });

  test("works on a line that does not parse, in a file with errors", () => {
    const broken = CAMPAIGN.replace("  node faces = face_detect(shots) { model face_v1 }", "  node faces = face_detect(shots { model |\n  gate = = =");
    expect(labels(complete(broken))).toEqual(expect.arrayContaining(["flux_pro", "esrgan"]));
    expect(labels(complete(CAMPAIGN.replace("  node faces", "  node x = generate(|\n  node faces")))).toContain("shots");
  });
});

describe("hover", () => {
  const at = (text: string, needle: string, shift = 0) => {
    const { store, uri } = storeWith(text);
    return hoverText(hover(store, { textDocument: { uri }, position: positionOf(text, needle, shift) }));
  };

  test("a node: worst case, expected, share, calls, attempts and the price formula", () => {
    const text = at(CAMPAIGN, "node full", 6);
    expect(text).toContain("| credits | 419.4304 | 142.606336 |");
    expect(text).toContain("| calls | 50 | 34 |");
    expect(text).toContain("46.5% of the flow's worst case (902.2896 credits)");
    expect(text).toContain("attempts: 100 in the worst case, up to 2 per call");
    expect(text).toContain("price: 4 credits/MP × 1.048576 MP = 4.194304 per output");
    // a reference shows the same
    expect(at(CAMPAIGN, "review approved = full", 19)).toContain("419.4304");
  });

  test("prices per second, per call, variants and the node's own cost", () => {
    const clips = sampleText("product_clips.flow");
    expect(at(clips, "node clip", 6)).toContain("price: 1.5 credits/MP/s × 0.9216 MP × 5 s = 6.912 per output");
    expect(at(CAMPAIGN, "node previews", 6)).toContain("4 variants per item: 1.048576 per item");
    expect(at(CAMPAIGN, "node captions", 6)).toContain("overhead: 1 per call");
    expect(at(CAMPAIGN, "node style_ref", 6)).toContain("price: 3 credits per output (the node's `cost`)");
  });

  test("gates and reviews, inputs, models, ops, metrics, the budget and the flow", () => {
    expect(at(CAMPAIGN, "gate face_ok", 6)).toContain("pass rate: 85.0%");
    expect(at(sampleText("sharp_drafts.flow"), "gate sharp", 6)).toMatch(/rounds: 3 — rejected items run again from `draft`[^]*round 2: 20 checked/);
    expect(at(CAMPAIGN, "review approved", 8)).toContain("approval rate: 30.0%");
    expect(at(CAMPAIGN, "input shots", 7)).toContain("0 to 50 items, 40 expected");
    expect(at(CAMPAIGN, "model flux_pro\n    resolution", 7)).toContain("rate: 4 credits per megapixel");
    expect(at(CAMPAIGN, "model flux_pro", 7)).toContain("used by: `full`");
    expect(at(CAMPAIGN, "face_detect(", 2)).toContain("metrics: `confidence` 0..1");
    expect(at(CAMPAIGN, "faces.confidence", 8)).toContain("**metric `confidence`** of op `face_detect`");
    expect(at(CAMPAIGN, "cap 900", 1)).toContain("worst case 902.2896 credits");
    expect(at(CAMPAIGN, "flow campaign_portraits", 6)).toContain("top two nodes: `full`, `final` — 93.0% of the worst case");
  });

  test("in a file with errors: what parses, without figures", () => {
    const broken = CAMPAIGN.replace("node final = upscale(approved)", "node final = upscale(nowhere)");
    const text = at(broken, "node full", 6);
    expect(text).toContain("node full = generate(direction, style: style_ref) {");
    expect(text).toContain("no credit figures while the flow has errors");
    expect(at(broken, "model flux_pro", 7)).toContain("rate: 4 credits per megapixel");
  });

  test("nothing to say outside any declaration", () => {
    expect(at(CAMPAIGN, "// Cheap previews", 3)).toBe("");
  });
});

describe("navigation and rename", () => {
  const { store, uri } = storeWith(CAMPAIGN);
  const pos = (needle: string, shift = 0) => ({ textDocument: { uri }, position: positionOf(CAMPAIGN, needle, shift) });
  const lines = (locations: { range: { start: { line: number } } }[]) => locations.map((l) => l.range.start.line + 1);

  test("definition of a stream, a model, and nothing for a built-in op", () => {
    expect(definition(store, pos("generate(face_ok", 10))?.range.start).toEqual({ line: 24, character: 7 });
    expect(definition(store, pos("model esrgan\n    resolution", 7))?.range.start).toEqual({ line: 14, character: 8 });
    expect(definition(store, pos("upscale(approved", 2))).toBeNull();
  });

  test("definition into an imported file read from disk", () => {
    const file = path.join(ROOT, "samples/product_catalogue.flow");
    const disk = new DocumentStore();
    const catalogue = pathToUri(file);
    const text = sampleText("product_catalogue.flow");
    disk.open(catalogue, 1, text);
    const target = definition(disk, { textDocument: { uri: catalogue }, position: positionOf(text, "remove_background(", 3) });
    expect(target).toEqual({ uri: sampleUri("models/studio.flow"), range: { start: { line: 18, character: 3 }, end: { line: 18, character: 20 } } });
    expect(diagnosticsParams(disk.get(catalogue)).diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });

  test("references, with and without the declaration", () => {
    const params = { ...pos("style: style_ref", 9), context: { includeDeclaration: true } };
    expect(lines(references(store, params))).toEqual([18, 30, 38]);
    expect(lines(references(store, { ...params, context: { includeDeclaration: false } }))).toEqual([30, 38]);
    expect(lines(references(store, { ...pos("model flux_pro\n    resolution", 8), context: { includeDeclaration: true } }))).toEqual([14, 39]);
  });

  test("rename a stream: the declaration and every reference", () => {
    const edit = rename(store, { ...pos("node faces", 6), newName: "detections" });
    expect(lines(edit.changes![uri]!)).toEqual([23, 25]);
    expect(edit.changes![uri]!.every((e) => e.newText === "detections")).toBe(true);
    expect(prepareRename(store, pos("node faces", 6))).toMatchObject({ placeholder: "faces" });
  });

  test("rename refuses keywords, invalid names, taken names and built-ins", () => {
    const refuse = (needle: string, shift: number, newName: string) => () => rename(store, { ...pos(needle, shift), newName });
    expect(refuse("node faces", 6, "node")).toThrow("'node' is a keyword");
    expect(refuse("node faces", 6, "2faces")).toThrow("is not a name");
    expect(refuse("node faces", 6, "shots")).toThrow("'shots' is already declared on line 4");
    expect(refuse("model esrgan", 7, "flux_pro")).toThrow("model 'flux_pro' is already declared");
    expect(refuse("upscale(", 1, "enlarge")).toThrow("'upscale' is a built-in op: it cannot be renamed");
    expect(refuse("cap 900", 0, "x")).toThrow("only streams, models and ops can be renamed");
  });
});

describe("symbols, semantic tokens, inlay hints", () => {
  const { store, uri } = storeWith(CAMPAIGN);

  test("the flow and its declarations, with kinds and details", () => {
    const [flow] = documentSymbols(store, { textDocument: { uri } });
    expect(flow!.name).toBe("campaign_portraits");
    expect(flow!.children!.map((c) => c.name)).toEqual([
      "shots", "style", "budget", "face_v1", "flux_schnell", "flux_pro", "esrgan", "captioner",
      "style_ref", "faces", "face_ok", "previews", "direction", "full", "approved", "final", "captions", "output",
    ]);
    expect(flow!.children!.find((c) => c.name === "full")!.detail).toBe("generate(direction, style: style_ref) · flux_pro");
    expect(flow!.children!.find((c) => c.name === "shots")!.detail).toBe("image[50] expect 40");
  });

  test("semantic tokens classify names by what they name", () => {
    const { data } = semanticTokens(store, { textDocument: { uri } });
    const lines = CAMPAIGN.split("\n");
    const tokens: { text: string; type: string; modifiers: number }[] = [];
    for (let i = 0, line = 0, character = 0; i < data.length; i += 5) {
      line += data[i]!;
      character = data[i] === 0 ? character + data[i + 1]! : data[i + 1]!;
      tokens.push({ text: lines[line]!.slice(character, character + data[i + 2]!), type: SEMANTIC_TOKENS_LEGEND.tokenTypes[data[i + 3]!]!, modifiers: data[i + 4]! });
    }
    const typeOf = (text: string) => tokens.find((t) => t.text === text)?.type;
    expect(typeOf("flow")).toBe("keyword");
    expect(typeOf("// Cheap previews, a person picks a direction, full quality only for it,")).toBe("comment");
    expect(typeOf("shots")).toBe("variable");
    expect(typeOf("flux_pro")).toBe("class");
    expect(typeOf("face_detect")).toBe("function");
    expect(typeOf("confidence")).toBe("property");
    expect(typeOf("1024x1024")).toBe("number");
    expect(typeOf("48h")).toBe("number");
    expect(typeOf("megapixel")).toBe("enumMember");
    expect(typeOf('"studio portrait, soft light"')).toBe("string");
    expect(typeOf("image")).toBe("type");
    expect(tokens.find((t) => t.text === "generate")!.modifiers).toBe(2); // defaultLibrary
  });

  test("inlay hints: each node's credits and the flow's totals", () => {
    const hints = inlayHints(store, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    const byLine = new Map(hints.map((h) => [h.position.line + 1, h.label]));
    expect(byLine.get(3)).toBe("worst 902.2896 · exp 272.0257216 · cap 900"); // the expected figure as `flowc cost` and `flowc report` show it
    expect(byLine.get(38)).toBe("worst 419.4304 · exp 142.606336");
    expect(hints).toHaveLength(7);
  });
});

describe("imports and open documents", () => {
  test("an open imported file's unsaved text is what the importer reads", () => {
    const studio = "/virtual/flows/models/studio.flow";
    const store = new DocumentStore({ readDisk: () => undefined });
    const main = pathToUri(FLOW);
    store.open(pathToUri(studio), 1, "model m { rate 1 credit per item }\n");
    const affected = store.open(main, 1, 'import "models/studio.flow"\nflow f {\n  input p: text[2]\n  node n = caption(p) { model m }\n  output n\n}\n');
    expect(affected).toEqual([main]);
    expect(store.get(main).analysis.cost?.worstCase.toFixed()).toBe("2");
    expect(store.change(pathToUri(studio), 2, [{ text: "model m { rate 3 credits per item }\n" }])).toEqual([pathToUri(studio), main]);
    expect(store.get(main).analysis.cost?.worstCase.toFixed()).toBe("6");
  });

  test("a diagnostic in an imported file is shown at the import, pointing to the file", () => {
    const files = { "/virtual/flows/lib.flow": "model m { rate 1 credit per }\n" };
    const { store, uri } = storeWith('import "lib.flow"\nflow f {\n  input p: text\n}\n', files);
    const [first] = diagnosticsParams(store.get(uri)).diagnostics;
    expect(first!.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 17 } });
    expect(first!.message).toMatch(/^lib\.flow:1:\d+: /);
    expect(first!.relatedInformation![0]!.location.uri).toBe(pathToUri("/virtual/flows/lib.flow"));
  });

  test("an exception in the compiler keeps the parse's diagnostics and says what happened", () => {
    const store = new DocumentStore({ analyze: () => { throw new Error("boom"); } });
    store.open("file:///x.flow", 1, "flow f {\n  input\n}\n");
    const published = diagnosticsParams(store.get("file:///x.flow")).diagnostics;
    expect(published.map((d) => d.code)).toEqual(["FLOW101", "internal"]);
    expect(published[1]!.message).toContain("boom");
  });
});

describe("flowc.json", () => {
  const flow = "flow f {\n  input p: text[2]\n  node n = caption(p) { cost 1 credit }\n  output n\n}\n";
  const codes = (dir: string) => {
    const store = new DocumentStore();
    const uri = pathToUri(path.join(dir, "sub", "f.flow"));
    store.open(uri, 1, flow);
    return diagnosticsParams(store.get(uri)).diagnostics.map((d) => `${d.code} ${d.severity}`);
  };

  test("the nearest flowc.json upwards applies its rules; an invalid one is reported and ignored", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-lsp-"));
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "sub"));
    expect(codes(dir)).toContain("FLOW305 2");
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ rules: { FLOW305: "off" } }));
    expect(codes(dir).some((c) => c.startsWith("FLOW305"))).toBe(false);
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ rules: { FLOW305: "loud" } }));
    const published = codes(dir);
    expect(published[0]).toBe("flowc.json 2");
    expect(published).toContain("FLOW305 2");
  });

  test("a policy whose globs match the document applies, as in flowc check", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-lsp-"));
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, "sub"));
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ policies: [{ files: "sub/*.flow", maxWorstCase: 1 }] }));
    expect(codes(dir)).toContain("FLOW501 1");
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ policies: [{ files: "other/*.flow", maxWorstCase: 1 }] }));
    expect(codes(dir).some((c) => c.startsWith("FLOW501"))).toBe(false);
  });
});

describe("lints between edits", () => {
  test("the previous lints are carried to where their code moved; those the edit touched are dropped", () => {
    const text = sampleText("upscale_first.flow");
    const { store, uri } = storeWith(text);
    store.get(uri, "full");
    const lint = (published: { code?: string | number; range: { start: { line: number } } }[]) => published.filter((d) => d.code === "FLOW401").map((d) => d.range.start.line);
    expect(lint(diagnosticsParams(store.get(uri)).diagnostics)).toEqual([16]);
    // a line added above the lint's node: the lint moves down one line
    const above = positionOf(text, "  node draft");
    store.change(uri, 2, [{ range: { start: above, end: above }, text: "  // drafts first\n" }]);
    const checked = store.get(uri, "checks");
    expect(checked.analysis.diagnostics.map((d) => d.code)).not.toContain("FLOW401");
    expect(lint(carriedLints(checked, store.lastLints(uri)))).toEqual([17]);
    // an edit inside the lint's range (the node's name, `up` → `usp`): dropped; the complete
    // analysis has its say (here: the review now reads an unknown name, so no figures, no lints)
    const inside = positionOf(text, "node up = upscale", 6);
    store.change(uri, 3, [{ range: { start: { line: inside.line + 1, character: inside.character }, end: { line: inside.line + 1, character: inside.character } }, text: "s" }]);
    expect(lint(carriedLints(store.get(uri, "checks"), store.lastLints(uri)))).toEqual([]);
    expect(diagnosticsParams(store.get(uri, "full")).diagnostics.map((d) => d.code)).toContain("FLOW201");
  });
});
