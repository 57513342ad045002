// Shared by the grammar tests: sample loading, diagnostics as `line:col message` lines, and the
// invariants every parse result must keep (ranges inside the text, no undefined AST fields).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { Range } from "../syntax/ast";
import { positionAt, type ParseResult } from "../grammar/index";
import { lex } from "../grammar/lexer";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The samples this front end was written against (section 9 of the contract). */
export const GRAMMAR_SAMPLES = [
  "campaign.flow",
  "sharp_drafts.flow",
  "split_batches.flow",
  "product_clips.flow",
  "upscale_first.flow",
  "review_first.flow",
];

export function readSample(name: string): string {
  return readFileSync(path.join(ROOT, "samples", name), "utf8");
}

/** A text's tokens, each with everything between it and the token before (kept as written). */
export function tokenPieces(text: string): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const token of lex(text).tokens) {
    const end = token.startOffset + token.image.length;
    pieces.push(text.slice(from, end));
    from = end;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** `line:column message` of each diagnostic, in order. */
export function errorLines(result: ParseResult): string[] {
  return result.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.column} ${d.message}`);
}

function isRange(value: unknown): value is Range {
  if (typeof value !== "object" || value === null) return false;
  const { start, end } = value as { start?: { offset?: unknown }; end?: { offset?: unknown } };
  return typeof start?.offset === "number" && typeof end?.offset === "number";
}

/** A range lies in the text, and its lines and columns agree with its offsets. */
export function expectRangeWithin(range: Range, text: string, where: string): void {
  const { start, end } = range;
  const ok =
    start.offset >= 0 &&
    start.offset <= end.offset &&
    end.offset <= text.length &&
    JSON.stringify(positionAt(text, start.offset)) === JSON.stringify(start) &&
    JSON.stringify(positionAt(text, end.offset)) === JSON.stringify(end);
  if (!ok) expect.fail(`bad range at ${where}: ${JSON.stringify(range)} in a text of ${text.length} characters`);
}

/** Every range in the AST, the diagnostics and the comments is sound; no AST field is undefined or NaN. */
export function expectSoundResult(result: ParseResult, text: string): void {
  walk(result.ast, "ast", text);
  for (const d of result.diagnostics) expectRangeWithin(d.range, text, `diagnostic "${d.message}"`);
  for (const c of result.comments) {
    expectRangeWithin(c.range, text, `comment ${c.text}`);
    expect(text.slice(c.range.start.offset, c.range.end.offset)).toBe(c.text);
  }
  expect(result.diagnostics.some((d) => d.message.startsWith("internal parser error"))).toBe(false);
}

function walk(value: unknown, where: string, text: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, `${where}[${i}]`, text));
    return;
  }
  if (typeof value === "number" && Number.isNaN(value)) expect.fail(`NaN at ${where}`);
  if (typeof value !== "object" || value === null) return;
  if (isRange(value)) {
    expectRangeWithin(value, text, where);
    return;
  }
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) expect.fail(`undefined field at ${where}.${key}`);
    walk(field, `${where}.${key}`, text);
  }
}
