// Prints the tokens in order, gap by gap, into output lines, placing each gap's comments:
//  - a comment on the line of the token before it stays at the end of that line (a `//` comment
//    ends the line; its column is settled later, in render.ts);
//  - a comment on a line of its own gets a line of its own at the gap's indentation (several on
//    one source line share it), with a blank line before it where the source had one;
//  - a block comment with code after it on its line stays before that code.
// Inside a declaration, a `//` comment breaks the declaration there, and the rest goes on at
// CONTINUATION more indentation: a comment never moves to another place in the token order.
import { CONTINUATION, type GapLayout, type InlineGap, type LineGap, spacesAfterComment, spacesBeforeComment } from "./layout";
import type { CodeToken, CommentPiece, FormatSource, Piece } from "./source";

export interface OutLine {
  indent: number;
  text: string;
  blankBefore: boolean;
  /** a `//` comment at the end of the line, and the column it had in the source */
  comment?: { text: string; column: number };
  /** the `{` of a one-line block: `at` is where padding goes (before the space before `{`) */
  brace?: { keyword: string; at: number; column: number; padded: boolean };
}

class Writer {
  readonly lines: OutLine[] = [];
  private current: OutLine | undefined;

  get isOpen(): boolean {
    return this.current !== undefined;
  }

  /** The line being written, if any. */
  get line(): OutLine | undefined {
    return this.current;
  }

  start(indent: number, blankBefore: boolean): void {
    this.current = { indent, text: "", blankBefore: blankBefore && this.lines.length > 0 };
    this.lines.push(this.current);
  }

  append(text: string, spaces: number): void {
    const line = this.current!;
    line.text += line.text === "" ? text : " ".repeat(spaces) + text;
  }

  /** A `//` comment ends the line. */
  trail(comment: CommentPiece): void {
    this.current!.comment = { text: comment.text, column: comment.column };
    this.current = undefined;
  }

  end(): void {
    this.current = undefined;
  }
}

/** Lines between two pieces of the source. */
const blankBetween = (a: Piece | undefined, b: Piece) => a !== undefined && b.startLine - a.endLine >= 2;

export function emitLines(source: FormatSource, layouts: GapLayout[]): OutLine[] {
  const emitter = new Emitter(source);
  for (let g = 0; g < layouts.length; g++) emitter.gap(g, layouts[g]);
  return emitter.writer.lines;
}

class Emitter {
  readonly writer = new Writer();
  /** indentation of the current declaration or property line, for its continuation lines */
  private indent = 0;
  /** whether the open line is a continuation line (a comment broke the declaration) */
  private continued = false;

  constructor(private readonly source: FormatSource) {}

  gap(g: number, layout: GapLayout): void {
    const prev = g > 0 ? this.source.tokens[g - 1] : undefined;
    const next = this.source.tokens[g] as CodeToken | undefined;
    const comments = this.source.gaps[g];
    if (layout.kind === "line") this.lineGap(prev, next, comments, layout);
    else this.inlineGap(prev!, next!, comments, layout);
  }

  private lineGap(prev: CodeToken | undefined, next: CodeToken | undefined, comments: CommentPiece[], layout: LineGap): void {
    let last: Piece | undefined = prev;
    let i = 0;
    // Comments on the previous token's line end that line.
    for (; i < comments.length && this.writer.isOpen && comments[i].startLine === last!.endLine; i++) {
      this.place(comments[i]);
      last = comments[i];
    }
    this.writer.end();
    for (; i < comments.length; i++) {
      this.ownLine(comments, i, last, next, prev !== last || layout.blankAfter, layout);
      last = comments[i];
    }
    this.indent = layout.indent;
    this.continued = false;
    if (next === undefined) return this.writer.end();
    if (this.writer.isOpen && last !== prev && last!.endLine === next.startLine) return this.writer.append(next.text, 1);
    const blank = layout.blankBefore && blankBetween(last, next) && (last !== prev || layout.blankAfter);
    this.writer.start(layout.indent, blank);
    this.writer.append(next.text, 0);
  }

  /** A comment that starts a source line starts an output line (the comments after it on that line join it). */
  private ownLine(comments: CommentPiece[], i: number, last: Piece | undefined, next: CodeToken | undefined, blankAllowed: boolean, layout: LineGap): void {
    const comment = comments[i];
    if (this.writer.isOpen && comment.startLine === last!.endLine) return this.place(comment);
    const leads = next !== undefined && leadsNext(comments, i, next);
    this.writer.start(leads ? layout.indent : layout.commentIndent, blankAllowed && blankBetween(last, comment));
    this.place(comment);
  }

  /** Puts a comment on the open line: a block comment goes on; a `//` comment ends the line, as its trailing comment if it has code. */
  private place(comment: CommentPiece): void {
    if (comment.block) this.writer.append(comment.text, 1);
    else if (this.writer.line!.text === "") {
      this.writer.append(comment.text, 0);
      this.writer.end();
    } else this.writer.trail(comment);
  }

  private inlineGap(prev: CodeToken, next: CodeToken, comments: CommentPiece[], layout: InlineGap): void {
    const { writer } = this;
    let last: Piece = prev;
    for (const comment of comments) {
      if (comment.block) {
        if (!writer.isOpen) this.continuation();
        writer.append(comment.text, last !== prev ? 1 : layout.spaces > 0 ? 1 : spacesBeforeComment(prev));
      } else if (writer.isOpen && comment.startLine === last.endLine) writer.trail(comment);
      else {
        writer.end();
        this.continuation();
        this.place(comment);
      }
      last = comment;
    }
    if (!writer.isOpen) this.continuation();
    else if (layout.align !== undefined && last === prev && !this.continued) this.markBrace(prev, next, layout.align);
    const spaces = last === prev || layout.spaces > 0 ? layout.spaces : spacesAfterComment(next);
    writer.append(next.text, spaces);
  }

  private continuation(): void {
    this.writer.start(this.indent + CONTINUATION, false);
    this.continued = true;
  }

  private markBrace(prev: CodeToken, brace: CodeToken, keyword: string): void {
    const line = this.writer.line!;
    if (line.text.includes("\n")) return;
    const padded = prev.endLine === brace.startLine && brace.start - prev.end > 1;
    line.brace = { keyword, at: line.text.length, column: brace.column, padded };
  }
}

/** A block comment ending on the line where the next token starts, after the gap's other comments: it leads that line. */
function leadsNext(comments: CommentPiece[], i: number, next: CodeToken): boolean {
  let j = i;
  while (j + 1 < comments.length && comments[j + 1].startLine === comments[j].endLine) j++;
  return j === comments.length - 1 && comments[j].block && comments[j].endLine === next.startLine;
}
