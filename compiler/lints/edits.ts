// Text edits for the quick fixes, built from the AST's ranges: where each stream is named, how to
// add a property to a declaration, how to replace or remove a piece of it.
import type { FlowDecl, Ident, Range, Ref } from "../../syntax/ast";
import type { TextEdit } from "../../syntax/diagnostics";
import { LineMap } from "../../syntax/lines";

/** Where a stream is named: `range` covers the name only (not `.rejected`). */
export interface RefSite {
  name: string;
  range: Range;
  rejected: boolean;
  /** the whole reference, `.rejected` included */
  whole: Range;
}

/** Every place in the flow that reads a stream by name: arguments, gate conditions, review, select and output sources. */
export function refSites(flow: FlowDecl): RefSite[] {
  const sites: RefSite[] = [];
  const ref = (r: Ref) => sites.push({ name: r.name.text, range: r.name.range, rejected: r.rejected !== undefined, whole: r.range });
  const ident = (i: Ident) => sites.push({ name: i.text, range: i.range, rejected: false, whole: i.range });
  for (const decl of flow.decls) {
    if (decl.kind === "node") decl.args.forEach((a) => ref(a.ref));
    else if (decl.kind === "gate") decl.conds.forEach((c) => ident(c.source));
    else if (decl.kind === "review") ref(decl.source);
    else if (decl.kind === "select") ident(decl.source);
    else if (decl.kind === "output") decl.refs.forEach(ref);
  }
  return sites;
}

/** Edits that make every reader of `from`'s pass items read `to` instead, except the sites in `skip`. */
export function renameReads(sites: readonly RefSite[], from: string, to: string, skip: readonly Range[] = []): TextEdit[] {
  const skipped = new Set(skip.map((r) => r.start.offset));
  return sites.filter((s) => s.name === from && !s.rejected && !skipped.has(s.range.start.offset)).map((s) => ({ range: s.range, text: to }));
}

/** Source text helpers for one file. */
export class SourceText {
  private lineMap: LineMap | undefined;

  constructor(readonly text: string) {}

  slice(range: Range): string {
    return this.text.slice(range.start.offset, range.end.offset);
  }

  range(start: number, end: number): Range {
    this.lineMap ??= new LineMap(this.text);
    return this.lineMap.range(start, end);
  }

  insert(offset: number, text: string): TextEdit {
    return { range: this.range(offset, offset), text };
  }

  get eol(): string {
    return this.text.includes("\r\n") ? "\r\n" : "\n";
  }

  /** the whitespace that starts the line holding `offset` */
  indentAt(offset: number): string {
    const start = this.lineStart(offset);
    return /^[ \t]*/.exec(this.text.slice(start))![0];
  }

  /**
   * Where the `//` comment lines right above the line of `offset` start (at their indentation),
   * when only whitespace precedes `offset` on its line; else `offset` itself.
   */
  commentsAbove(offset: number): number {
    let start = this.lineStart(offset);
    if (this.text.slice(start, offset).trim() !== "") return offset;
    let first = offset;
    while (start > 0) {
      const above = this.lineStart(start - 1);
      const line = this.text.slice(above, start).trim();
      if (!line.startsWith("//")) break;
      first = above + this.indentAt(above).length;
      start = above;
    }
    return first;
  }

  lineStart(offset: number): number {
    return Math.max(this.text.lastIndexOf("\n", offset - 1) + 1, 0);
  }

  /**
   * Add `prop` to a declaration's `{ … }` block, in the style the block is written in: a line of its
   * own before a closing brace that stands alone, else after the last property on its line; a
   * declaration without a block gets ` { prop }`.
   */
  addProperty(decl: { range: Range; props: readonly { range: Range }[] }, prop: string): TextEdit {
    const end = decl.range.end.offset;
    if (this.text[end - 1] !== "}") return this.insert(end, ` { ${prop} }`);
    const close = end - 1;
    const lineStart = this.lineStart(close);
    const last = decl.props[decl.props.length - 1];
    if (this.text.slice(lineStart, close).trim() === "") {
      const indent = last ? this.indentAt(last.range.start.offset) : this.indentAt(decl.range.start.offset) + "  ";
      return this.insert(lineStart, `${indent}${prop}${this.eol}`);
    }
    if (last) return this.insert(last.range.end.offset, `  ${prop}`);
    return this.insert(close, /\s/.test(this.text[close - 1] ?? "") ? `${prop} ` : ` ${prop} `);
  }

  /** Remove a property: its whole line when it stands alone there, else it and the spaces before it. */
  removeProperty(range: Range): TextEdit {
    const lineStart = this.lineStart(range.start.offset);
    const lineEnd = this.lineEnd(range.end.offset);
    const before = this.text.slice(lineStart, range.start.offset);
    const after = this.text.slice(range.end.offset, lineEnd);
    if (before.trim() === "" && after.trim() === "") {
      const next = this.text.indexOf("\n", range.end.offset);
      return { range: this.range(lineStart, next === -1 ? this.text.length : next + 1), text: "" };
    }
    const spaces = /[ \t]*$/.exec(before)![0].length;
    return { range: this.range(range.start.offset - spaces, range.end.offset), text: "" };
  }

  private lineEnd(offset: number): number {
    const next = this.text.slice(offset).search(/\r?\n/);
    return next === -1 ? this.text.length : offset + next;
  }
}
