// When diagnostics are published, in-process over an in-memory connection: a quick document gets
// its complete list at once; a slow one (forced here with `splitAboveMs: 0`) gets everything but
// the lints first, with the previous lints moved to where their code now is, and the complete list
// when the text has rested; a burst of changes ends with the last version's diagnostics.
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, test } from "vitest";
import { createConnection } from "vscode-languageserver/node";
import {
  createMessageConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from "vscode-languageserver-protocol/node";
import { createServer } from "../lsp/server";
import type { PublishTiming } from "../lsp/publish";
import { positionOf, sampleText } from "./lsp-client";

const uri = "file:///virtual/upscale_first.flow";
const TEXT = sampleText("upscale_first.flow");

interface Pair {
  client: MessageConnection;
  published: PublishDiagnosticsParams[];
  next(count: number): Promise<PublishDiagnosticsParams[]>;
  dispose(): void;
}

let pair: Pair | undefined;
afterEach(() => pair?.dispose());

async function connect(timing: Partial<PublishTiming>): Promise<Pair> {
  const up = new PassThrough();
  const down = new PassThrough();
  const server = createConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  createServer(server, { readDisk: () => undefined, timing });
  server.listen();
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const published: PublishDiagnosticsParams[] = [];
  let waiting: { count: number; resolve: (p: PublishDiagnosticsParams[]) => void } | undefined;
  client.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    if (waiting && published.length >= waiting.count) waiting.resolve(published.slice(0, waiting.count));
  });
  client.listen();
  await client.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} });
  const next = (count: number) => new Promise<PublishDiagnosticsParams[]>((resolve) => (published.length >= count ? resolve(published.slice(0, count)) : (waiting = { count, resolve })));
  return { client, published, next, dispose: () => (client.dispose(), server.dispose()) };
}

const lintLines = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.code === "FLOW401").map((d) => d.range.start.line + 1);

function change(client: MessageConnection, version: number, text: string, at: { line: number; character: number }) {
  return client.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end: at }, text }] });
}

describe("publishing diagnostics", () => {
  test("a quick document gets its complete diagnostics in one publication per change", async () => {
    pair = await connect({});
    await pair.client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "flowc", version: 1, text: TEXT } });
    const [opened] = await pair.next(1);
    expect(lintLines(opened!)).toEqual([17]);
    await change(pair.client, 2, "  // drafts first\n", positionOf(TEXT, "  node draft"));
    const [, changed] = await pair.next(2);
    expect(changed!.version).toBe(2);
    expect(lintLines(changed!)).toEqual([18]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pair.published).toHaveLength(2);
  });

  test("a slow document gets errors and figures first, with the previous lints moved, then the complete list", async () => {
    pair = await connect({ splitAboveMs: 0, lintDelayMs: 30 });
    await pair.client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "flowc", version: 1, text: TEXT } });
    await pair.next(1);
    await change(pair.client, 2, "  // drafts first\n", positionOf(TEXT, "  node draft"));
    const [, first, complete] = await pair.next(3);
    expect([first!.version, complete!.version]).toEqual([2, 2]);
    // the first holds the lint of version 1, moved one line down, without its quick fix
    expect(lintLines(first!)).toEqual([18]);
    expect(first!.diagnostics.map((d) => d.code)).toEqual(complete!.diagnostics.map((d) => d.code));
    expect(lintLines(complete!)).toEqual([18]);
  });

  test("a burst of changes ends with the diagnostics of the last version, complete", async () => {
    pair = await connect({ splitAboveMs: 0, lintDelayMs: 30 });
    await pair.client.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "flowc", version: 1, text: TEXT } });
    await pair.next(1);
    const at = positionOf(TEXT, "  node draft");
    for (let version = 2; version <= 6; version++) await change(pair.client, version, "\n", at);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const versions = pair.published.map((p) => p.version!);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(versions[versions.length - 1]).toBe(6);
    expect(lintLines(pair.published[pair.published.length - 1]!)).toEqual([22]);
    // the lints of a version are published only when the text rested after it
    expect(versions.filter((v) => v === 6)).toHaveLength(2);
  });
});
