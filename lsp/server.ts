// The language server: wires one handler per LSP method (one file each in lsp/) to a connection,
// and keeps it alive whatever a request does — an exception in a handler is logged and answered
// with an error, and the next request is served as usual. `flowc lsp` starts it over stdio.
import { format } from "node:util";
import {
  CodeActionKind,
  createConnection,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { codeActions } from "./code-actions";
import { completion } from "./completion";
import { definition } from "./definition";
import { carriedLints, diagnosticsParams } from "./diagnostics";
import { DocumentNotOpen, DocumentStore, type StoreOptions } from "./documents";
import { formatting } from "./formatting";
import { hover } from "./hover";
import { inlayHints } from "./inlay-hints";
import { PositionOutsideDocument } from "./positions";
import { references } from "./references";
import { prepareRename, rename } from "./rename";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./semantic-tokens";
import { STATUS_METHOD, status } from "./status";
import { documentSymbols } from "./symbols";

export interface ServerOptions extends StoreOptions {
  /** reported to the client as the server's version */
  version?: string;
}

/** Serve LSP over the process's stdin and stdout until the client says `exit` or closes stdin. */
export function startServer(options: ServerOptions = {}): Connection {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // stdout carries the protocol: anything printed must go to the client's log instead
  const log = (write: (message: string) => void) => (...args: unknown[]) => write(format(...args));
  console.log = console.info = log((m) => connection.console.log(m));
  console.warn = log((m) => connection.console.warn(m));
  console.error = log((m) => connection.console.error(m));
  createServer(connection, options);
  connection.listen();
  return connection;
}

export function createServer(connection: Connection, options: ServerOptions = {}): DocumentStore {
  const store = new DocumentStore(options);
  const publisher = new Publisher(connection, store);
  connection.onInitialize((): InitializeResult => ({ capabilities: CAPABILITIES, serverInfo: { name: "flowc", ...(options.version ? { version: options.version } : {}) } }));

  const notify = <P>(method: string, handler: (params: P) => void) => (params: P) => {
    try {
      handler(params);
    } catch (error) {
      connection.console.error(`flowc: ${method} failed: ${describe(error)}`);
    }
  };
  connection.onDidOpenTextDocument(notify("didOpen", ({ textDocument: d }) => publisher.schedule(store.open(d.uri, d.version, d.text))));
  connection.onDidChangeTextDocument(notify("didChange", ({ textDocument: d, contentChanges }) => publisher.schedule(store.change(d.uri, d.version, contentChanges))));
  connection.onDidCloseTextDocument(
    notify("didClose", ({ textDocument: d }) => {
      publisher.schedule(store.close(d.uri));
      void connection.sendDiagnostics({ uri: d.uri, diagnostics: [] });
    }),
  );
  connection.onDidChangeWatchedFiles(notify("didChangeWatchedFiles", ({ changes }) => publisher.schedule(changes.flatMap((c) => store.changedOnDisk(c.uri)))));

  const request = <P, R>(method: string, handler: (store: DocumentStore, params: P) => R) => (params: P): R | ResponseError => {
    try {
      return handler(store, params);
    } catch (error) {
      return failure(connection, method, error);
    }
  };
  connection.onHover(request("hover", hover));
  connection.onCompletion(request("completion", completion));
  connection.onDefinition(request("definition", definition));
  connection.onReferences(request("references", references));
  connection.onPrepareRename(request("prepareRename", prepareRename));
  connection.onRenameRequest(request("rename", rename));
  connection.onDocumentSymbol(request("documentSymbol", documentSymbols));
  connection.onCodeAction(request("codeAction", codeActions));
  connection.onDocumentFormatting(request("formatting", formatting));
  connection.languages.semanticTokens.on(request("semanticTokens", semanticTokens));
  connection.languages.inlayHint.on(request("inlayHint", inlayHints));
  connection.onRequest(STATUS_METHOD, request("status", status));
  return store;
}

const CAPABILITIES: InitializeResult["capabilities"] = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  hoverProvider: true,
  completionProvider: { triggerCharacters: ["."] },
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  documentFormattingProvider: true,
  semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
  inlayHintProvider: true,
};

/**
 * A document's complete analysis is published in one step when it is quick; beyond this it is
 * split, so that errors and figures do not wait for the lints (measured: on a 5,000-line flow the
 * lints take about as long as everything else together).
 */
const SPLIT_ABOVE_MS = 25;
/** After the first diagnostics of an edit, how long the text must rest before the lints run. */
export const LINT_DELAY_MS = 250;

/**
 * Publishes diagnostics after changes, once per document however many changes arrived before it
 * ran: the analysis happens in a later turn of the event loop, when the changes and requests
 * already received have all been handled. On a large document it publishes twice: everything but the lints at once
 * (with the previous lints, moved to where their code now is), and the complete list when the text
 * has rested for LINT_DELAY_MS. A request in between analyses on demand (DocumentStore.get).
 */
class Publisher {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly lintTimers = new Map<string, NodeJS.Timeout>();
  /** how long each document's last complete analysis took */
  private readonly fullMs = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly store: DocumentStore,
  ) {}

  schedule(uris: string[]): void {
    for (const uri of uris) {
      this.pending.add(uri);
      clearTimeout(this.lintTimers.get(uri));
      this.lintTimers.delete(uri);
    }
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    // a timer, not setImmediate: requests already received (a completion typed right behind the
    // change) are answered first, from the parse alone where that is enough
    setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.scheduled = false;
    const uris = [...this.pending];
    this.pending.clear();
    for (const uri of uris) this.guard(uri, () => this.publishFirst(uri));
  }

  private publishFirst(uri: string): void {
    if (!this.store.isOpen(uri)) return;
    if (this.store.has(uri, "full") || (this.fullMs.get(uri) ?? 0) <= SPLIT_ABOVE_MS) {
      this.publishComplete(uri);
      return;
    }
    const checked = this.store.get(uri, "checks");
    void this.connection.sendDiagnostics(diagnosticsParams(checked, carriedLints(checked, this.store.lastFull(uri))));
    this.lintTimers.set(
      uri,
      setTimeout(() => {
        this.lintTimers.delete(uri);
        this.guard(uri, () => this.store.isOpen(uri) && this.publishComplete(uri));
      }, LINT_DELAY_MS),
    );
  }

  private publishComplete(uri: string): void {
    const fresh = !this.store.has(uri, "full");
    const start = performance.now();
    const complete = this.store.get(uri, "full");
    if (fresh) this.fullMs.set(uri, performance.now() - start);
    void this.connection.sendDiagnostics(diagnosticsParams(complete));
  }

  private guard(uri: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.connection.console.error(`flowc: diagnostics of ${uri} failed: ${describe(error)}`);
    }
  }
}

/** An intended refusal goes back as it is; anything else is a bug, logged and answered with an error. */
function failure(connection: Connection, method: string, error: unknown): ResponseError {
  if (error instanceof ResponseError) return error;
  connection.console.error(`flowc: ${method} failed: ${describe(error)}`);
  const code = error instanceof PositionOutsideDocument || error instanceof DocumentNotOpen ? ErrorCodes.InvalidParams : ErrorCodes.InternalError;
  return new ResponseError(code, `flowc: ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
