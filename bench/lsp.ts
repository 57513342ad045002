// Language server benchmark (issue 5), measured through the real server: `node --expose-gc
// bin/flowc.js lsp` is spawned and driven over stdio as an editor drives it, on a generated
// 5,000-line flow. Figures are what the editor waits for: from sending `didChange` to receiving the
// `publishDiagnostics` of that version; from sending a completion or hover request to its answer.
import { pathToFileURL } from "node:url";
import path from "node:path";
import type { CompletionItem, Hover, Position } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { LspClient } from "../test/lsp-client";
import { STATUS_METHOD, type ServerStatus } from "../lsp/status";
import { PUBLISH_TIMING } from "../lsp/publish";
import { benchDecls, toFlowText } from "./generate";

export interface LspBenchSizes {
  lines: number;
  /** edits timed for the diagnostics figures */
  edits: number;
  /** edits in all when the second heap figure is taken */
  memoryEdits: number;
  /** completion and hover requests timed */
  requests: number;
}

export const LSP_BENCH_SIZES: LspBenchSizes = { lines: 5_000, edits: 100, memoryEdits: 1_000, requests: 100 };

const WARM_UP_EDITS = 10;

export interface LspFigures {
  lines: number;
  kb: number;
  openMs: number;
  /** didChange → publishDiagnostics, per edit */
  diagnostics: number[];
  /** didChange → the complete diagnostics (lints included), the text resting after the edit */
  complete: number[];
  completion: number[];
  hover: number[];
  /** completion sent right behind an edit, so it waits for the new text's analysis */
  completionAfterEdit: number[];
  /** the server's heap after a collection, after so many edits */
  heapAt: { edits: number; bytes: number };
  heapLater: { edits: number; bytes: number };
}

/** A deterministic sequence: the same edits on every run. */
function sequence(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The flow of bench/generate.ts with about `lines` lines. */
export function benchFlow(lines: number): string {
  return toFlowText(benchDecls(lines - 4));
}

class Editor {
  private readonly random = sequence(5);

  constructor(
    readonly client: LspClient,
    readonly uri: string,
    public document: TextDocument,
  ) {}

  /**
   * One keystroke that changes the figures: a digit typed at the end of a draft node's resolution
   * height (512x512 → 512x5127), or deleted again, so every edit re-prices the flow and moves the
   * text after it. Resolves, when the first publication of the new version arrives (with
   * `complete`, the one with the lints), to the time from sending the change.
   */
  async edit(complete = false): Promise<number> {
    const text = this.document.getText();
    const drafts = [...text.matchAll(/resolution 512x(\d+)/g)];
    const target = drafts[this.pick(drafts.length)]!;
    const end = target.index! + target[0].length;
    const typed = target[1]!.length > 3;
    const change = typed
      ? { range: { start: this.document.positionAt(end - 1), end: this.document.positionAt(end) }, text: "" }
      : { range: { start: this.document.positionAt(end), end: this.document.positionAt(end) }, text: String(1 + this.pick(9)) };
    const version = this.document.version + 1;
    this.document = TextDocument.update(this.document, [change], version);
    const published = this.client.nextDiagnostics(this.uri, version);
    const withLints = this.client.nextDiagnostics(this.uri, version, 2);
    const sent = performance.now();
    await this.client.connection.sendNotification("textDocument/didChange", { textDocument: { uri: this.uri, version }, contentChanges: [change] });
    const result = await published;
    let ms = performance.now() - sent;
    const error = result.diagnostics.find((d) => d.severity === 1);
    if (error) throw new Error(`the benchmark flow has errors: ${error.message}`);
    // An analysis fast enough is published whole, in one step: no second publication follows.
    if (complete && (await secondWithin(withLints, 4 * PUBLISH_TIMING.lintDelayMs))) ms = performance.now() - sent;
    return ms;
  }

  /** Where an editor asks for completion: a model after `model `, metrics after `qcN.`, streams after `tag(`. */
  completionSpot(i: number): Position {
    const text = this.document.getText();
    const after = (pattern: RegExp) => [...text.matchAll(pattern)].map((m) => m.index! + m[0].length);
    const spots = [after(/\{ model /g), after(/= qc\d+\./g), after(/= tag\(/g)][i % 3]!;
    return this.document.positionAt(spots[this.pick(spots.length)]!);
  }

  nodeName(): Position {
    const names = [...this.document.getText().matchAll(/node (draft\d+)/g)];
    return this.document.positionAt(names[this.pick(names.length)]!.index! + "node ".length);
  }

  pick(n: number): number {
    return Math.floor(this.random() * n);
  }
}

/** whether `publication` arrives within `ms` (it waits for its time of arrival) */
async function secondWithin(publication: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const arrived = await Promise.race([publication.then(() => true as const), late]);
  clearTimeout(timer);
  return arrived;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function measureLsp(root: string, sizes: LspBenchSizes = LSP_BENCH_SIZES, nodeFlags: string[] = []): Promise<LspFigures> {
  const client = await LspClient.start({ root, nodeArgs: ["--expose-gc", ...nodeFlags] });
  try {
    return await drive(client, root, sizes);
  } finally {
    client.kill();
  }
}

async function drive(client: LspClient, root: string, sizes: LspBenchSizes): Promise<LspFigures> {
  const text = benchFlow(sizes.lines);
  const uri = pathToFileURL(path.join(root, `bench-${sizes.lines}-lines.flow`)).href;
  const editor = new Editor(client, uri, TextDocument.create(uri, "flowc", 1, text));
  const openMs = await timed(() => client.open(uri, text));
  for (let i = 0; i < WARM_UP_EDITS; i++) await editor.edit();
  const diagnostics: number[] = [];
  for (let i = 0; i < sizes.edits; i++) diagnostics.push(await editor.edit());
  const request = (method: string, position: Position) => timed(() => client.request<CompletionItem[] | Hover>(method, { textDocument: { uri }, position }));
  const completion: number[] = [];
  const hover: number[] = [];
  for (let i = 0; i < sizes.requests; i++) completion.push(await request("textDocument/completion", editor.completionSpot(i)));
  for (let i = 0; i < sizes.requests; i++) hover.push(await request("textDocument/hover", editor.nodeName()));
  const completionAfterEdit: number[] = [];
  for (let i = 0; i < Math.min(20, sizes.requests); i++) {
    const position = editor.completionSpot(i);
    const edited = editor.edit();
    completionAfterEdit.push(await request("textDocument/completion", position));
    await edited;
  }
  const complete: number[] = [];
  for (let i = 0; i < Math.min(20, sizes.requests); i++) complete.push(await editor.edit(true));
  // every kind of work has run once: what the heap holds from here on should not grow with edits
  let edits = WARM_UP_EDITS + sizes.edits + completionAfterEdit.length + complete.length;
  const heapAt = { edits, bytes: (await client.request<ServerStatus>(STATUS_METHOD, {})).heapUsedBytes };
  for (; edits < sizes.memoryEdits; edits++) await editor.edit();
  const heapLater = { edits, bytes: (await client.request<ServerStatus>(STATUS_METHOD, {})).heapUsedBytes };
  return { lines: text.split("\n").length - 1, kb: text.length / 1024, openMs, diagnostics, complete, completion, hover, completionAfterEdit, heapAt, heapLater };
}

export async function reportLsp(root: string, sizes: LspBenchSizes = LSP_BENCH_SIZES): Promise<string[]> {
  const f = await measureLsp(root, sizes);
  const ms = (v: number) => v.toFixed(1);
  const row = (label: string, values: number[], target = "") => `| ${label} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 95))} | ${target} |`;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return [
    "## Language server: `flowc lsp` spawned, driven over stdio",
    "",
    `A generated flow of ${f.lines} lines (${f.kb.toFixed(0)} KB). Each edit is one keystroke in a draft's resolution (a digit typed or deleted), so every edit re-prices the flow; the first diagnostics of an edit hold everything but the lints (the previous lints, moved), the complete list follows when the text has rested ${PUBLISH_TIMING.lintDelayMs} ms. didOpen → complete diagnostics: ${ms(f.openMs)} ms.`,
    "",
    "| measure | p50 ms | p95 ms | target |",
    "|---|---:|---:|---|",
    row(`didChange → publishDiagnostics (${f.diagnostics.length} edits)`, f.diagnostics, "p95 < 50"),
    row(`didChange → complete diagnostics with the lints, the text resting (${f.complete.length}; includes the ${PUBLISH_TIMING.lintDelayMs} ms rest)`, f.complete),
    row(`completion (${f.completion.length}: models, metrics, streams)`, f.completion, "p95 < 30"),
    row(`hover on a node (${f.hover.length})`, f.hover),
    row(`completion sent right behind an edit (${f.completionAfterEdit.length})`, f.completionAfterEdit),
    "",
    `server heap after a collection: ${mb(f.heapAt.bytes)} MB after ${f.heapAt.edits} edits (and the requests above), ${mb(f.heapLater.bytes)} MB after ${f.heapLater.edits} (×${(f.heapLater.bytes / f.heapAt.bytes).toFixed(2)})`,
  ];
}
