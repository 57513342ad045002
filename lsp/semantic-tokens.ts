// Semantic tokens: keywords, streams, models, ops, metrics, numbers (with their units), units,
// media types, strings and comments, from the lexer's tokens and the names of lsp/names.ts. A name
// that happens to be a keyword (`node video = video(clips)`) is coloured by what it names.
import type { SemanticTokens, SemanticTokensLegend, SemanticTokensParams } from "vscode-languageserver";
import type { IToken, TokenType } from "chevrotain";
import { BUILTIN_OPS } from "../compiler/builtins";
import { lex } from "../grammar/lexer";
import * as T from "../grammar/tokens";
import type { AnalyzedDocument, DocumentStore } from "./documents";
import { catalogDecls } from "./lookup";
import type { NameKind, Occurrence } from "./names";

const TYPES = ["keyword", "variable", "class", "function", "property", "number", "string", "comment", "enumMember", "type", "parameter"] as const;
const MODIFIERS = ["declaration", "defaultLibrary"] as const;
type TokenTypeName = (typeof TYPES)[number];

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_INDEX = new Map<TokenTypeName, number>(TYPES.map((t, i) => [t, i]));
const DECLARATION = 1 << MODIFIERS.indexOf("declaration");
const DEFAULT_LIBRARY = 1 << MODIFIERS.indexOf("defaultLibrary");

const NAME_TYPES: Record<NameKind, TokenTypeName> = { stream: "variable", model: "class", op: "function", metric: "property" };

const LITERALS: ReadonlySet<TokenType> = new Set([T.ResolutionLit, T.DurationLit, T.PercentLit, T.DecimalLit, T.IntegerLit]);
const UNITS: ReadonlySet<TokenType> = new Set([T.Megapixel, T.Second, T.Item, T.Credits, T.Call]);
const MEDIA_TYPES: ReadonlySet<TokenType> = new Set([T.Image, T.Video, T.Audio, T.Text, T.Json]);

interface Span {
  offset: number;
  length: number;
  type: TokenTypeName;
  modifiers: number;
}

export function semanticTokens(store: DocumentStore, params: SemanticTokensParams): SemanticTokens {
  const doc = store.get(params.textDocument.uri, "syntax");
  return { data: encode(doc, spansOf(doc)) };
}

function spansOf(doc: AnalyzedDocument): Span[] {
  const lexed = lex(doc.text);
  const names = new Map(doc.occurrences.map((o) => [o.range.start.offset, o]));
  const declaredOps = new Set(catalogDecls(doc, "op").map((d) => d.decl.name.text));
  const spans: Span[] = [];
  for (const token of lexed.tokens) {
    const span = tokenSpan(token, names.get(token.startOffset), declaredOps);
    if (span) spans.push(span);
  }
  for (const comment of lexed.comments) spans.push({ offset: comment.startOffset, length: comment.image.length, type: "comment", modifiers: 0 });
  return spans.sort((a, b) => a.offset - b.offset);
}

function tokenSpan(token: IToken, name: Occurrence | undefined, declaredOps: ReadonlySet<string>): Span | undefined {
  const at = (type: TokenTypeName, modifiers = 0): Span => ({ offset: token.startOffset, length: token.image.length, type, modifiers });
  if (name) return at(NAME_TYPES[name.kind], nameModifiers(name, declaredOps));
  const type = token.tokenType;
  if (LITERALS.has(type)) return at("number");
  if (type === T.StringLiteral || type === T.BadString) return at("string");
  if (UNITS.has(type)) return at("enumMember");
  if (MEDIA_TYPES.has(type)) return at("type");
  if (T.KEYWORD_BY_TEXT.get(token.image) === type) return at("keyword");
  if (type === T.Identifier) return at("parameter"); // named-argument, param and family names
  return undefined;
}

function nameModifiers(name: Occurrence, declaredOps: ReadonlySet<string>): number {
  if (name.declaration) return DECLARATION;
  return name.kind === "op" && BUILTIN_OPS.has(name.name) && !declaredOps.has(name.name) ? DEFAULT_LIBRARY : 0;
}

/** The LSP's relative encoding; a token over several lines (a block comment) becomes one per line. */
function encode(doc: AnalyzedDocument, spans: Span[]): number[] {
  const data: number[] = [];
  let line = 0;
  let character = 0;
  const push = (offset: number, length: number, span: Span) => {
    const start = doc.document.positionAt(offset);
    data.push(start.line - line, start.line === line ? start.character - character : start.character, length, TYPE_INDEX.get(span.type)!, span.modifiers);
    line = start.line;
    character = start.character;
  };
  for (const span of spans) {
    let offset = span.offset;
    for (const piece of doc.text.slice(span.offset, span.offset + span.length).split(/(?<=\r\n|\r(?!\n)|\n)/)) {
      const length = piece.replace(/[\r\n]+$/, "").length;
      if (length > 0) push(offset, length, span);
      offset += piece.length;
    }
  }
  return data;
}
