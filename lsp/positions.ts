// Our ranges are 1-based lines and columns with 0-based offsets (syntax/ast.ts); LSP positions
// are 0-based lines and characters. Both count UTF-16 code units and break lines at \n, \r\n and
// \r, so a conversion is a shift by one.
import type { Position as LspPosition, Range as LspRange } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Position, Range } from "../syntax/ast";

export function toLspPosition(position: Position): LspPosition {
  return { line: position.line - 1, character: position.column - 1 };
}

export function toLspRange(range: Range): LspRange {
  return { start: toLspPosition(range.start), end: toLspPosition(range.end) };
}

/** A position the client sent that lies below the last line: a client bug, answered with an error. */
export class PositionOutsideDocument extends RangeError {
  constructor(position: LspPosition, lineCount: number) {
    super(`position ${position.line}:${position.character} is outside the document (it has ${lineCount} lines)`);
  }
}

/**
 * The offset of an LSP position. A character past the end of its line means the line's end (the
 * protocol says so); a line past the last one, or a negative figure, is refused.
 */
export function offsetOf(document: TextDocument, position: LspPosition): number {
  if (position.line < 0 || position.character < 0 || position.line >= document.lineCount) {
    throw new PositionOutsideDocument(position, document.lineCount);
  }
  return document.offsetAt(position);
}

/** The offsets of a range the client sent (a visible range, a selection): clamped to the document. */
export function offsetsOf(document: TextDocument, range: LspRange): { from: number; to: number } {
  return { from: document.offsetAt(range.start), to: document.offsetAt(range.end) };
}

/** The LSP range of two offsets of a document. */
export function lspRangeOf(document: TextDocument, start: number, end: number): LspRange {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}
