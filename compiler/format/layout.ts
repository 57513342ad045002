// What goes between two tokens: a number of spaces on one line, or a line break with the next
// line's indentation. Decided once per gap from the skeleton; the emitter then places the gap's
// comments by the same decision.
import type { Block, Item } from "./skeleton";
import type { CodeToken, FormatSource, TokenKind } from "./source";

export const INDENT = 2;
/** A line broken by a comment inside a declaration goes on at this much more indentation. */
export const CONTINUATION = 4;

export type GapLayout = InlineGap | LineGap;

export interface InlineGap {
  kind: "inline";
  spaces: number;
  /** set before the `{` of a one-line block: such braces align among neighbours with this keyword */
  align?: string;
}

export interface LineGap {
  kind: "line";
  /** indentation of the next token's line */
  indent: number;
  /** indentation of comments on lines of their own in this gap (inside a block before its `}`) */
  commentIndent: number;
  /** whether a blank line may stand right after the previous token (not after an opening `{`) */
  blankAfter: boolean;
  /** whether a blank line may stand right before the next token (not before a closing `}`) */
  blankBefore: boolean;
}

const NO_SPACE_AFTER: ReadonlySet<TokenKind> = new Set(["(", "[", ".", ".."]);
const NO_SPACE_BEFORE: ReadonlySet<TokenKind> = new Set([")", "]", ",", ":", ".", ".."]);

/** Spaces between two tokens of one line: `f(a, b: c)`, `image[10..50]`, `x.rejected`, `a >= 0.5`. */
export function spacesBetween(prev: CodeToken, next: CodeToken): number {
  if (NO_SPACE_AFTER.has(prev.kind) || NO_SPACE_BEFORE.has(next.kind)) return 0;
  if (next.kind === "(" || (next.kind === "[" && prev.kind === "name")) return 0;
  return 1;
}

/** Spaces between a token (or nothing) and a block comment after it. */
export function spacesBeforeComment(prev: CodeToken | undefined): number {
  return prev !== undefined && NO_SPACE_AFTER.has(prev.kind) ? 0 : 1;
}

/** Spaces between a block comment and the token after it. */
export function spacesAfterComment(next: CodeToken): number {
  return NO_SPACE_BEFORE.has(next.kind) ? 0 : 1;
}

function lineGap(indent: number, blankAfter: boolean, blankBefore: boolean, commentIndent = indent): LineGap {
  return { kind: "line", indent, commentIndent, blankAfter, blankBefore };
}

const inline = (spaces: number, align?: string): InlineGap => (align === undefined ? { kind: "inline", spaces } : { kind: "inline", spaces, align });

/** The layout of every gap: gaps[g] lies before tokens[g]; gaps[n] after the last token. */
export function layoutGaps(items: Item[], source: FormatSource): GapLayout[] {
  const { tokens } = source;
  const gaps: GapLayout[] = tokens.map((token, i) => (i === 0 ? lineGap(0, false, true) : inline(spacesBetween(tokens[i - 1], token))));
  gaps.push(lineGap(0, true, true));
  items.forEach((item, i) => {
    if (i > 0) gaps[item.first] = lineGap(0, true, true);
    layoutItem(item, 0, gaps, source);
  });
  return gaps;
}

function layoutItem(item: Item, indent: number, gaps: GapLayout[], source: FormatSource): void {
  const block = item.block;
  if (block === undefined) return;
  if (block.kind === "lines") layoutLines(block, indent, gaps, source);
  else layoutProps(block, item.keyword, indent, gaps, source);
}

/** A flow's body: one declaration per line, blank lines kept between them. */
function layoutLines(block: Block, indent: number, gaps: GapLayout[], source: FormatSource): void {
  gaps[block.open] = inline(1);
  if (isEmpty(block, source)) {
    gaps[block.close] = inline(0);
    return;
  }
  const inner = indent + INDENT;
  block.items.forEach((item, i) => {
    gaps[item.first] = lineGap(inner, i > 0, true);
    layoutItem(item, inner, gaps, source);
  });
  gaps[block.close] = closing(block, indent);
}

/**
 * A declaration's properties: on one line when the block opened and closed on one line
 * (`{ model m  batch 25 }`), else one line per group of properties the source had on one line.
 */
function layoutProps(block: Block, keyword: string, indent: number, gaps: GapLayout[], source: FormatSource): void {
  const { tokens } = source;
  if (isEmpty(block, source)) {
    gaps[block.open] = inline(1);
    gaps[block.close] = inline(0);
    return;
  }
  const oneLine = tokens[block.open].startLine === tokens[block.close].startLine;
  if (oneLine) {
    gaps[block.open] = inline(1, keyword);
    block.items.forEach((item, i) => (gaps[item.first] = inline(i === 0 ? 1 : 2)));
    gaps[block.close] = inline(1);
    return;
  }
  const inner = indent + INDENT;
  gaps[block.open] = inline(1);
  block.items.forEach((item, i) => {
    const sameLine = i > 0 && tokens[item.first].startLine === tokens[block.items[i - 1].last].endLine;
    gaps[item.first] = sameLine ? inline(2) : lineGap(inner, i > 0, true);
  });
  gaps[block.close] = closing(block, indent);
}

/** Before a block's `}`: comments stay inside the block, and no blank line ends it. */
function closing(block: Block, indent: number): LineGap {
  return lineGap(indent, block.items.length > 0, false, indent + INDENT);
}

/** No items and no comments: printed `{}`. */
function isEmpty(block: Block, source: FormatSource): boolean {
  return block.items.length === 0 && source.gaps[block.close].length === 0;
}
