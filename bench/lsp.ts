// Language server benchmark (issue 5), measured through the real server: `node --expose-gc
// bin/flowc.js lsp` is spawned and driven over stdio as an editor drives it, on a generated
// 5,000-line flow. Figures are what the editor waits for: from sending `didChange` to receiving the
// `publishDiagnostics` of that version; from sending a completion or hover request to its answer.
import { pathToFileURL } from "node:url";
import path from "node:path";
import type { CompletionItem, Hover } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LspClient } from "../test/lsp-client";
import { STATUS_METHOD, type ServerStatus } from "../lsp/status";
import { benchDecls, toFlowText } from "./generate";

const LINES = 5_000;
const MEASURED_EDITS = 100;
const MEMORY_EDITS = 1_000;
const REQUESTS = 100;

/** A deterministic sequence (the same edits on every run). */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => v.toFixed(1);

/** The flow of bench/generate.ts with `LINES` lines. */
export function benchFlow(): string {
  return toFlowText(benchDecls(LINES - 4));
}

interface Editor {
  client: LspClient;
  uri: string;
  document: TextDocument;
}

/**
 * One keystroke-sized edit that changes the figures: a draft node's resolution height goes to a
 * new value (512x512 → 512x517 …), so every edit re-prices the flow.
 */
async function edit(editor: Editor, random: () => number): Promise<number> {
  const text = editor.document.getText();
  const drafts = [...text.matchAll(/resolution 512x(\d+)/g)];
  const target = drafts[Math.floor(random() * drafts.length)]!;
  const start = target.index! + "resolution 512x".length;
  const range = { start: editor.document.positionAt(start), end: editor.document.positionAt(start + target[1]!.length) };
  const height = String(500 + Math.floor(random() * 100));
  const version = editor.document.version + 1;
  editor.document = TextDocument.update(editor.document, [{ range, text: height }], version);
  const published = editor.client.nextDiagnostics(editor.uri, version);
  const sent = performance.now();
  await editor.client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: editor.uri, version }, contentChanges: [{ range, text: height }] });
  const result = await published;
  if (result.diagnostics.some((d) => d.severity === 1)) throw new Error(`the benchmark flow has errors: ${result.diagnostics[0]?.message}`);
  return performance.now() - sent;
}

async function timed<R>(work: () => Promise<R>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** Completion where an editor asks for it: a model after `model `, metrics after `qcN.`, streams in `(`. */
function completionSpots(document: TextDocument, random: () => number): { line: number; character: number }[] {
  const text = document.getText();
  const spots = [...text.matchAll(/\{ model /g)].map((m) => m.index! + "{ model ".length);
  const metrics = [...text.matchAll(/= qc\d+\./g)].map((m) => m.index! + m[0].length);
  const args = [...text.matchAll(/= tag\(/g)].map((m) => m.index! + "= tag(".length);
  const pick = (list: number[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: REQUESTS }, (_, i) => document.positionAt(pick([spots, metrics, args][i % 3]!)));
}

export async function reportLsp(root: string): Promise<string[]> {
  const client = await LspClient.start({ root, nodeArgs: ["--expose-gc"] });
  try {
    return await measure(client, root);
  } finally {
    client.kill();
  }
}

async function measure(client: LspClient, root: string): Promise<string[]> {
  const text = benchFlow();
  const uri = pathToFileURL(path.join(root, "bench-5000-lines.flow")).href;
  const editor: Editor = { client, uri, document: TextDocument.create(uri, "flowc", 1, text) };
  const openMs = await timed(() => client.open(uri, text));
  const random = sequence(5);
  for (let i = 0; i < 10; i++) await edit(editor, random); // warm-up: JIT and caches
  const diagnostics: number[] = [];
  for (let i = 0; i < MEASURED_EDITS; i++) diagnostics.push(await edit(editor, random));
  const heapAt100 = (await client.request<ServerStatus>(STATUS_METHOD, {})).heapUsedBytes;

  const completion: number[] = [];
  for (const position of completionSpots(editor.document, random)) {
    completion.push(await timed(() => client.request<CompletionItem[]>("textDocument/completion", { textDocument: { uri }, position })));
  }
  const names = [...editor.document.getText().matchAll(/node (draft\d+)/g)].map((m) => m.index! + "node ".length);
  const hover: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const position = editor.document.positionAt(names[Math.floor(random() * names.length)]!);
    hover.push(await timed(() => client.request<Hover>("textDocument/hover", { textDocument: { uri }, position })));
  }
  // Completion typed right after an edit: the request waits for the analysis of the new text.
  const afterEdit: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [position] = completionSpots(editor.document, random);
    void edit(editor, random);
    afterEdit.push(await timed(() => client.request("textDocument/completion", { textDocument: { uri }, position })));
    await client.nextDiagnostics(uri, editor.document.version);
  }

  for (let i = MEASURED_EDITS + 20; i < MEMORY_EDITS; i++) await edit(editor, random);
  const heapAt1000 = (await client.request<ServerStatus>(STATUS_METHOD, {})).heapUsedBytes;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return [
    "## Language server (`flowc lsp`, spawned, over stdio)",
    "",
    `A generated flow of ${text.split("\n").length - 1} lines (${(text.length / 1024).toFixed(0)} KB); each edit changes one draft's resolution, so every edit re-prices the flow. Open: ${ms(openMs)} ms.`,
    "",
    "| measure | p50 ms | p95 ms | target |",
    "|---|---:|---:|---|",
    `| didChange → publishDiagnostics (${MEASURED_EDITS} edits) | ${ms(percentile(diagnostics, 50))} | ${ms(percentile(diagnostics, 95))} | p95 < 50 |`,
    `| completion (${REQUESTS}: models, metrics, streams) | ${ms(percentile(completion, 50))} | ${ms(percentile(completion, 95))} | p95 < 30 |`,
    `| hover on a node (${REQUESTS}) | ${ms(percentile(hover, 50))} | ${ms(percentile(hover, 95))} | |`,
    `| completion sent right after an edit (20) | ${ms(percentile(afterEdit, 50))} | ${ms(percentile(afterEdit, 95))} | |`,
    "",
    `server heap after a collection: ${mb(heapAt100)} MB after ${MEASURED_EDITS} edits, ${mb(heapAt1000)} MB after ${MEMORY_EDITS} (×${(heapAt1000 / heapAt100).toFixed(2)})`,
  ];
}
