// The language server: wires one handler per LSP method (one file each in lsp/) to a connection,
// and keeps it alive whatever a request does — an exception in a handler is logged and answered
// with an error, and the next request is served as usual. `flowc lsp` starts it over stdio.
import { format } from "node:util";
import {
  CodeActionKind,
  createConnection,
  ProposedFeatures,
  type ResponseError,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver/node";
import { codeActions, FIX_ALL_KIND } from "./code-actions";
import { completion } from "./completion";
import { definition } from "./definition";
import { DocumentStore, type StoreOptions, uriToPath } from "./documents";
import { describe, failure } from "./failures";
import { formatting } from "./formatting";
import { hover } from "./hover";
import { inlayHints } from "./inlay-hints";
import { references } from "./references";
import { Publisher, type PublishTiming } from "./publish";
import { prepareRename, rename } from "./rename";
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from "./semantic-tokens";
import { STATUS_METHOD, status } from "./status";
import { documentSymbols } from "./symbols";

export interface ServerOptions extends StoreOptions {
  /** reported to the client as the server's version */
  version?: string;
  timing?: Partial<PublishTiming>;
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
  const publisher = new Publisher(connection, store, options.timing);
  connection.onInitialize((params): InitializeResult => {
    store.setWorkspaceFolders(workspaceFolders(params));
    return { capabilities: CAPABILITIES, serverInfo: { name: "flowc", ...(options.version ? { version: options.version } : {}) } };
  });
  connection.onInitialized(() => {
    // clients that do not support folder changes reject the registration: the folders of initialize stay
    try {
      connection.workspace.onDidChangeWorkspaceFolders(() => void connection.workspace.getWorkspaceFolders().then((folders) => store.setWorkspaceFolders((folders ?? []).map((f) => uriToPath(f.uri)))));
    } catch {
      // nothing to follow
    }
  });

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
      publisher.send({ uri: d.uri, diagnostics: [] });
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

/** The folders references and rename search: the client's workspace folders, else its root. */
function workspaceFolders(params: InitializeParams): string[] {
  if (params.workspaceFolders && params.workspaceFolders.length > 0) return params.workspaceFolders.map((f) => uriToPath(f.uri));
  if (params.rootUri) return [uriToPath(params.rootUri)];
  return params.rootPath ? [params.rootPath] : [];
}

const CAPABILITIES: InitializeResult["capabilities"] = {
  textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
  hoverProvider: true,
  completionProvider: { triggerCharacters: ["."] },
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentSymbolProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
  documentFormattingProvider: true,
  semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
  inlayHintProvider: true,
  workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
};
