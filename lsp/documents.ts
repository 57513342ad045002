// The open documents: each one's text and its latest analyses, computed on demand after a change
// (so a burst of edits costs one analysis, not one per keystroke) and only as deep as asked (see
// `Depth`). Between edits it keeps the last parse and the figures of each branch of the flow, so an
// edit re-parses the declarations it touched and re-prices the branch it changed. Imports are read
// from the open documents first, then from disk, relative to the importing file; a change to a file
// marks the open documents importing it as stale too. Knows nothing of the LSP connection.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TextDocument, type TextDocumentContentChangeEvent } from "vscode-languageserver-textdocument";
import type { FlowFile } from "../syntax/ast";
import { analyzeFile, type AnalyzeOptions, type FileAnalysis, type SourceHost } from "../compiler/index";
import { parse } from "../grammar/index";
import { BranchCostCache } from "./branch-cost";
import { CONFIG_FILE } from "../compiler/config";
import { configFor } from "./config";
import { lintSnapshot, type LintSnapshot } from "./lint-snapshot";
import { occurrencesOf, type Occurrence } from "./names";
import { reparse, type Parsed } from "./reparse";
import { workspaceFlowFiles } from "./workspace";

export const LANGUAGE_ID = "flowc";

/** A file a document imports, as read for this analysis. */
export interface ImportedSource {
  path: string;
  uri: string;
  text: string;
  ast: FlowFile;
}

/** What went wrong around the analysis rather than in the flow. */
export interface DocumentProblems {
  /** why the analysis stopped short (an exception in the compiler); the parse's findings remain */
  failure?: string;
  /** why flowc.json was not applied */
  config?: string;
}

/** One analysis of one version of a document, with what the language features derive from it. */
export class AnalyzedDocument {
  private occurrenceList: Occurrence[] | undefined;
  private importList: ImportedSource[] | undefined;

  constructor(
    readonly uri: string,
    readonly path: string,
    readonly document: TextDocument,
    readonly analysis: FileAnalysis,
    private readonly host: SourceHost,
    readonly problems: DocumentProblems = {},
  ) {}

  get text(): string {
    return this.analysis.text;
  }

  /** every name the file declares or references, in source order */
  get occurrences(): Occurrence[] {
    return (this.occurrenceList ??= occurrencesOf(this.analysis.ast));
  }

  /** the imported files that could be read, parsed */
  get imports(): ImportedSource[] {
    return (this.importList ??= this.readImports());
  }

  private readImports(): ImportedSource[] {
    const found: ImportedSource[] = [];
    for (const imp of this.analysis.ast.imports) {
      const target = importPath(this.path, imp.path.value);
      const text = this.host.readFile(target);
      if (text !== undefined) found.push({ path: target, uri: pathToUri(target), text, ast: parse(text).ast });
    }
    return found;
  }
}

/**
 * How much of the analysis a feature needs: the parse (completion, navigation, symbols, tokens),
 * everything but the lints (hover, inlay hints, the first diagnostics after an edit), or all of it
 * (code actions, the complete diagnostics). A deeper analysis serves a shallower need.
 */
export type Depth = "syntax" | "checks" | "full";

const DEPTHS: readonly Depth[] = ["syntax", "checks", "full"];

interface Entry {
  document: TextDocument;
  path: string;
  /** bumped when something the analysis read changed (an import, flowc.json) */
  generation: number;
  /** the analyses of the current version and generation, by depth */
  results: Partial<Record<Depth, AnalyzedDocument>>;
  stamp: string;
  /** the latest parse, the start of the next one */
  parsed?: Parsed;
  /** the lints of the latest complete analysis, of whatever version */
  lastLints?: LintSnapshot;
  /** figures of unchanged branches, kept between edits */
  costs: BranchCostCache;
  /** the files the latest analysis imported */
  importPaths: string[];
}

export type Analyze = (file: string, text: string, host: SourceHost, options: AnalyzeOptions) => FileAnalysis;

export interface StoreOptions {
  /** reads a file that is not open; undefined when it cannot be read */
  readDisk?: (file: string) => string | undefined;
  analyze?: Analyze;
}

export class DocumentStore {
  private readonly entries = new Map<string, Entry>();
  /** the workspace folders the client named (absolute paths): where references and rename look */
  private folders: string[] = [];
  private readonly readDisk: (file: string) => string | undefined;
  private readonly analyze: Analyze;
  /** imports come from the open documents first, so unsaved edits to an imported file count */
  readonly host: SourceHost = { readFile: (file) => this.openText(file) ?? this.readDisk(file) };

  constructor(options: StoreOptions = {}) {
    this.readDisk = options.readDisk ?? readFromDisk;
    this.analyze = options.analyze ?? analyzeFile;
  }

  /** Open a document; returns the open documents whose analysis it may change (itself included). */
  open(uri: string, version: number, text: string): string[] {
    const document = TextDocument.create(uri, LANGUAGE_ID, version, text);
    this.entries.set(uri, { document, path: uriToPath(uri), generation: 0, results: {}, stamp: "", costs: new BranchCostCache(), importPaths: [] });
    return this.affectedBy(uri);
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): string[] {
    const entry = this.entry(uri);
    entry.document = TextDocument.update(entry.document, changes, version);
    return this.affectedBy(uri);
  }

  close(uri: string): string[] {
    const affected = this.affectedBy(uri).filter((u) => u !== uri);
    this.entries.delete(uri);
    return affected;
  }

  /** A file changed on disk: the open documents importing it, or every one for a flowc.json. */
  changedOnDisk(uri: string): string[] {
    const file = uriToPath(uri);
    if (path.basename(file) !== CONFIG_FILE) return this.invalidateImporters(file, uri);
    for (const entry of this.entries.values()) entry.generation++;
    return this.uris();
  }

  setWorkspaceFolders(folders: readonly string[]): void {
    this.folders = [...folders];
  }

  /**
   * The parse of every `.flow` file of the workspace folders whose text mentions `name` (cheaply
   * ruled out otherwise), open documents as the editor has them, the others as they are on disk.
   */
  workspaceDocuments(name: string): AnalyzedDocument[] {
    const open = new Map([...this.entries].map(([uri, e]) => [e.path, uri]));
    const docs: AnalyzedDocument[] = [...open.values()].map((uri) => this.get(uri, "syntax"));
    for (const file of workspaceFlowFiles(this.folders)) {
      if (open.has(file)) continue;
      const text = this.readDisk(file);
      if (text === undefined || !text.includes(name)) continue;
      const uri = pathToUri(file);
      const analysis: FileAnalysis = { file, text, ast: parse(text).ast, diagnostics: [] };
      docs.push(new AnalyzedDocument(uri, file, TextDocument.create(uri, LANGUAGE_ID, 0, text), analysis, this.host));
    }
    return docs;
  }

  isOpen(uri: string): boolean {
    return this.entries.has(uri);
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  version(uri: string): number {
    return this.entry(uri).document.version;
  }

  /** The analysis of the current text, at least `depth` deep: computed now if there is none yet. */
  get(uri: string, depth: Depth = "full"): AnalyzedDocument {
    const entry = this.entry(uri);
    const stamp = `${entry.document.version}:${entry.generation}`;
    if (entry.stamp !== stamp) {
      entry.results = {};
      entry.stamp = stamp;
    }
    const ready = DEPTHS.slice(DEPTHS.indexOf(depth)).map((d) => entry.results[d]).find((r) => r !== undefined);
    if (ready) return ready;
    const result = this.analyzeEntry(uri, entry, depth);
    entry.results[depth] = result;
    if (depth === "full") entry.lastLints = lintSnapshot(result);
    if (depth !== "syntax") entry.importPaths = result.analysis.ast.imports.map((imp) => importPath(entry.path, imp.path.value));
    return result;
  }

  /**
   * A complete analysis of another text for an open document's file, with the document's
   * flowc.json and imports, as `flowc check` would analyse it (what "fix all" rounds need).
   */
  analyzeText(uri: string, text: string): FileAnalysis {
    const file = this.entry(uri).path;
    return this.analyze(file, text, this.host, configFor(file, this.readDisk).options);
  }

  /** Whether the current text has an analysis at least `depth` deep already. */
  has(uri: string, depth: Depth): boolean {
    const entry = this.entry(uri);
    return entry.stamp === `${entry.document.version}:${entry.generation}` && DEPTHS.slice(DEPTHS.indexOf(depth)).some((d) => entry.results[d]);
  }

  /** The lints of the latest complete analysis, possibly of an earlier version (carried over until the next). */
  lastLints(uri: string): LintSnapshot | undefined {
    return this.entry(uri).lastLints;
  }

  private analyzeEntry(uri: string, entry: Entry, depth: Depth): AnalyzedDocument {
    const text = entry.document.getText();
    const parsed = reparse(entry.parsed, text);
    entry.parsed = { text, result: parsed };
    if (depth === "syntax") {
      const analysis: FileAnalysis = { file: entry.path, text, ast: parsed.ast, diagnostics: parsed.diagnostics };
      return new AnalyzedDocument(uri, entry.path, entry.document, analysis, this.host);
    }
    const settings = configFor(entry.path, this.readDisk);
    const problems: DocumentProblems = settings.problem === undefined ? {} : { config: settings.problem };
    const options: AnalyzeOptions = { ...settings.options, parsed, costAnalysis: entry.costs.analyze, lints: depth === "full" };
    try {
      return new AnalyzedDocument(uri, entry.path, entry.document, this.analyze(entry.path, text, this.host, options), this.host, problems);
    } catch (error) {
      // A bug in the compiler: keep what the parser found, and say that the rest is missing.
      const analysis: FileAnalysis = { file: entry.path, text, ast: parsed.ast, diagnostics: parsed.diagnostics };
      const failure = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return new AnalyzedDocument(uri, entry.path, entry.document, analysis, this.host, { ...problems, failure });
    }
  }

  private entry(uri: string): Entry {
    const entry = this.entries.get(uri);
    if (!entry) throw new DocumentNotOpen(uri);
    return entry;
  }

  private openText(file: string): string | undefined {
    for (const entry of this.entries.values()) if (entry.path === file) return entry.document.getText();
    return undefined;
  }

  /** the document and the open documents importing it, whose analyses are now stale */
  private affectedBy(uri: string): string[] {
    const entry = this.entries.get(uri);
    return entry ? [uri, ...this.invalidateImporters(entry.path, uri)] : [];
  }

  /** the open documents (other than `except`) whose latest analysis read `file`, marked stale */
  private invalidateImporters(file: string, except: string): string[] {
    const importers = [...this.entries].filter(([u, e]) => u !== except && e.importPaths.includes(file));
    for (const [, entry] of importers) entry.generation++;
    return importers.map(([u]) => u);
  }
}

/** A request about a document the client has not opened (or has closed). */
export class DocumentNotOpen extends Error {
  constructor(uri: string) {
    super(`document ${uri} is not open`);
  }
}

/** Where an import points, as analyzeFile resolves it. */
export function importPath(importer: string, spec: string): string {
  return path.resolve(path.dirname(importer), spec);
}

export function uriToPath(uri: string): string {
  if (!uri.startsWith("file:")) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export function pathToUri(file: string): string {
  return path.isAbsolute(file) ? pathToFileURL(file).href : file;
}

function readFromDisk(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
