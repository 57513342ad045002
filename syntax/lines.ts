// Source positions of a parsed text: the line map of the text, and the ranges of its AST, which
// hold offsets and work out lines and columns when read. A 10,000-declaration flow has about
// 140,000 positions; made while parsing, they were an eighth of the time of checking it (most of
// it the garbage collector's, copying them), and almost none of them is ever read (a diagnostic, a
// hover, a rename reads a few).
import type { Position, Range } from "./ast";

/** Maps 0-based offsets to 1-based lines and columns. Lines end at `\n`, `\r\n` or `\r`. */
export class LineMap {
  private starts: number[];
  private lastLine = 0;

  constructor(private source: string) {
    this.starts = lineStarts(source);
  }

  get text(): string {
    return this.source;
  }

  /**
   * Make this the map of `edited`'s text, the text after an edit: the language server keeps one
   * map per document, so that the ranges of declarations before an edit stay right without being
   * visited (lsp/reparse.ts moves those after it).
   */
  update(edited: LineMap): void {
    this.source = edited.source;
    this.starts = edited.starts;
    this.lastLine = 0;
  }

  /** Position of `offset` (clamped to the text). Columns count UTF-16 code units. */
  position(offset: number): Position {
    const at = this.clamp(offset);
    const line = this.lineOf(at);
    return { line: line + 1, column: at - this.starts[line]! + 1, offset: at };
  }

  /** The range from `start` to `end` (offsets, each clamped to the text when read). */
  range(start: number, end: number): TextRange {
    return new TextRange(this, start, end);
  }

  /** The text of a 1-based line, without its line break; undefined past the last line. */
  lineText(line: number): string | undefined {
    if (line < 1 || line > this.starts.length) return undefined;
    const start = this.starts[line - 1]!;
    let end = line < this.starts.length ? this.starts[line]! : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /** 1-based line of `offset`. */
  line(offset: number): number {
    return this.lineOf(this.clamp(offset)) + 1;
  }

  // (no Math.min/max: this is on the path of every position read)
  private clamp(offset: number): number {
    return offset < 0 ? 0 : offset > this.text.length ? this.text.length : offset;
  }

  // Callers ask mostly in source order, so the line of the previous answer is almost always right.
  private lineOf(offset: number): number {
    const starts = this.starts;
    const line = this.lastLine;
    if (offset >= starts[line]! && (line + 1 === starts.length || offset < starts[line + 1]!)) return line;
    this.lastLine = this.searchLine(offset);
    return this.lastLine;
  }

  /** The line of `offset`: usually the one after the last answer, else found by a binary search. */
  private searchLine(offset: number): number {
    const starts = this.starts;
    const next = this.lastLine + 1;
    if (next < starts.length && offset >= starts[next]! && (next + 1 === starts.length || offset < starts[next + 1]!)) return next;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  if (text.indexOf("\r") === -1) {
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return starts;
}

/**
 * A range of a parsed text as two offsets and the text's line map: `start` and `end` are worked
 * out when read, each read a new Position (so a reader may keep or change one, as it could keep a
 * plain range's). It is a `Range` to every reader, and `toJSON` writes it as one; a diagnostic
 * keeps it as plain data (`plainRange`), as it outlives the parse. Equal ranges of equal texts are
 * equal to tests (test/setup.ts). Only the language server moves one (lsp/reparse.ts, `rebase`).
 */
export class TextRange implements Range {
  constructor(
    private lines: LineMap,
    private startOffset: number,
    private endOffset: number,
  ) {}

  get start(): Position {
    return this.lines.position(this.startOffset);
  }

  get end(): Position {
    return this.lines.position(this.endOffset);
  }

  /** The range from this one's start to `last`'s end, in the same text. */
  to(last: TextRange): TextRange {
    return new TextRange(this.lines, this.startOffset, last.endOffset);
  }

  /** The line map the range reads. */
  get lineMap(): LineMap {
    return this.lines;
  }

  /** The same stretch of text after an edit moved it by `shift` characters, into `lines`' text. */
  rebase(lines: LineMap, shift: number): void {
    this.lines = lines;
    this.startOffset += shift;
    this.endOffset += shift;
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** The range as plain data (a `TextRange` read once; any other range as it is). */
export function plainRange(range: Range): Range {
  return range instanceof TextRange ? range.toJSON() : range;
}
