// Shared by the formatter tests: the samples, the AST without its ranges, the comments of a text,
// the figures of a flow, and a sample with whitespace and comments inserted between its tokens.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { analyzeFile } from "../compiler/index";
import { formatExact } from "../syntax/credits";
import { parse } from "../grammar/index";
import { ROOT } from "./cli-spawn";
import { tokenPieces } from "./grammar-helpers";
import { diskHost } from "./helpers/disk-host";

/** Every sample, imported price lists included, as paths under samples/. */
export const FMT_SAMPLES: string[] = [
  ...readdirSync(path.join(ROOT, "samples")).filter((f) => f.endsWith(".flow")),
  ...readdirSync(path.join(ROOT, "samples/models")).map((f) => `models/${f}`),
].sort();

export const samplePath = (sample: string) => path.join(ROOT, "samples", sample);
export const readSampleText = (sample: string) => readFileSync(samplePath(sample), "utf8");

/** A value with every `range`, `typeRange`, `keyword` and `rejected` range left out (`rejected: true` stays as a mark). */
export function stripRanges(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripRanges);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === "range" || key === "typeRange" || key === "keyword") continue;
    if (key === "rejected" || key === "stable") out[key] = Array.isArray(field) ? field.length : field !== undefined;
    else out[key] = stripRanges(field);
  }
  return out;
}

/** The comments of a text in order, line breaks inside block comments as `\n`. */
export function commentTexts(text: string): string[] {
  return parse(text).comments.map((c) => c.text.replace(/\r\n?/g, "\n"));
}

/** Worst case and expected spend (cold and warm), or the error codes when the flow does not price. */
export function figures(file: string, text: string): string[] {
  return [false, true].map((warm) => {
    const analysis = analyzeFile(file, text, diskHost, { warm });
    if (!analysis.cost) return `not priced: ${analysis.diagnostics.map((d) => d.code).join(" ")}`;
    return `${formatExact(analysis.cost.worstCase)} / ${formatExact(analysis.cost.expected)}`;
  });
}

/** What may go between two tokens without changing what a text means. */
const FILLERS = ["", " ", "   ", "\n", "\n\n\n", "\t", " // c\n", "// c\n\n", " /* c */ ", "/*c*/", "\n/* c\n   d */\n", "\n  // c\n  "];

/** The text with one filler after each token (fillers[i] after token i), its comments numbered to tell them apart. */
export function insertFillers(text: string, choices: number[]): string {
  let n = 0;
  const number = (filler: string) => filler.replace(/\bc\b/g, () => `c${n++}`);
  return tokenPieces(text)
    .map((piece, i) => (i < choices.length ? piece + number(FILLERS[choices[i] % FILLERS.length]) : piece))
    .join("");
}

/** Fillers for a text: mostly nothing, so that the source layout still shows through. */
export const fillerChoices = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat(FILLERS.length - 1) }), {
  maxLength: 400,
});
