// An editor's side of the protocol for the end-to-end tests and the benchmark: spawns
// `node bin/flowc.js lsp` and speaks JSON-RPC over its stdio, collecting published diagnostics
// and what the server logs.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import {
  createMessageConnection,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type MessageConnection,
  type PublishDiagnosticsParams,
  type Range,
} from "vscode-languageserver-protocol/node";

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function sampleUri(name: string): string {
  return pathToFileURL(path.join(ROOT, "samples", name)).href;
}

export function sampleText(name: string): string {
  return readFileSync(path.join(ROOT, "samples", name), "utf8");
}

/** The editor: one spawned server and its connection. */
export class LspClient {
  readonly logs: string[] = [];
  private waiters: { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private readonly versions = new Map<string, number>();
  private exited: Promise<number | null>;
  /** what the server answered to `initialize` */
  initialized: InitializeResult | undefined;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    this.exited = new Promise((resolve) => process.once("exit", (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const ready = this.waiters.filter((w) => w.test(params));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(params);
    });
    connection.onNotification(LogMessageNotification.type, (params) => this.logs.push(params.message));
    connection.listen();
  }

  /** Spawn `node bin/flowc.js lsp` from `root` and initialize it, with `workspace` (default `root`) as the workspace folder. */
  static async start(options: { root?: string; nodeArgs?: string[]; workspace?: string } = {}): Promise<LspClient> {
    const root = options.root ?? ROOT;
    const args = [...(options.nodeArgs ?? []), path.join(root, "bin/flowc.js"), "lsp"];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    child.stderr!.on("data", () => {}); // drained: a full pipe would stall the server
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    client.initialized = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(options.workspace ?? root).href,
      capabilities: { textDocument: { hover: { contentFormat: ["markdown"] } } },
      workspaceFolders: options.workspace ? [{ uri: pathToFileURL(options.workspace).href, name: "workspace" }] : null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /**
   * The next diagnostics published for `uri` (optionally for a version), from now on; with `nth`,
   * the nth publication (a large document gets its lints in a second one).
   */
  nextDiagnostics(uri: string, version?: number, nth = 1): Promise<PublishDiagnosticsParams> {
    let seen = 0;
    return new Promise((resolve) =>
      this.waiters.push({ test: (p) => p.uri === uri && (version === undefined || p.version === version) && ++seen === nth, resolve }),
    );
  }

  async open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    const published = this.nextDiagnostics(uri, 1);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "flowc", version: 1, text } });
    return published;
  }

  /**
   * The last diagnostics published for `uri` at `version` once the server has gone quiet for
   * `quietMs`: a document whose analysis took long gets its lints in a second publication, after
   * the text rested (lsp/publish.ts), and how long the analysis takes depends on the machine's load.
   */
  async settled(uri: string, version: number, first: Promise<PublishDiagnosticsParams>, quietMs = 1000): Promise<PublishDiagnosticsParams> {
    let last = await first;
    for (;;) {
      const next = await Promise.race([this.nextDiagnostics(uri, version), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), quietMs))]);
      if (next === undefined) return last;
      last = next;
    }
  }

  /** The version of `uri` the client sent last. */
  version(uri: string): number {
    return this.versions.get(uri) ?? 1;
  }

  /** Replace `range` (or the whole text) and wait for the diagnostics of the new version. */
  async change(uri: string, text: string, range?: Range): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    const published = this.nextDiagnostics(uri, version);
    await this.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [range ? { range, text } : { text }],
    });
    return published;
  }

  async stop(): Promise<number | null> {
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    this.process.kill();
  }
}

/** The LSP position of the first occurrence of `needle` in `text` (plus `shift` characters). */
export function positionOf(text: string, needle: string, shift = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in the text`);
  const before = text.slice(0, at + shift).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
