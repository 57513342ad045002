// Parsing after an edit (lsp/reparse.ts) gives exactly the parse of the new text — AST, positions,
// diagnostics and comments — over chains of random edits to the samples, including edits that
// break the text and fix it again; and it does reuse the untouched declarations.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MAX_LIST_DEPTH, parse } from "../grammar/index";
import { lex } from "../grammar/lexer";
import { Identifier, IntegerLit, ResolutionLit } from "../grammar/tokens";
import { reparse, type Parsed } from "../lsp/reparse";
import { benchDecls, toFlowText } from "../bench/generate";
import { ROOT } from "./lsp-client";

const samples = readdirSync(path.join(ROOT, "samples"))
  .filter((f) => f.endsWith(".flow"))
  .map((f) => readFileSync(path.join(ROOT, "samples", f), "utf8"));

/** What editors insert: characters, words, numbers, line breaks, braces, comments, quotes. */
const insertion = fc.constantFrom("", "x", "1", "0", " ", "\n", "\r\n", "{", "}", "(", ")", ",", ".", "=", '"', "/*", "*/", "//", "node", "model ", "rejected", "retry 2", "  gate g = a.b >= 1\n", "\n  node extra = caption(shots) { cost 1 credit }\n", "stable ", "[3]", "512x", "%");

/**
 * An edit as a person makes it while the text stays valid most of the time (a digit typed or
 * deleted in a number, a name lengthened, blanks and line breaks, a comment, a whole declaration
 * added or removed), or now and then anything at all.
 */
const edit = fc.record({ kind: fc.nat(15), at: fc.nat(999_999).map((n) => n / 1_000_000), remove: fc.nat(12), insert: insertion });

type Edit = { kind: number; at: number; remove: number; insert: string };

function apply(text: string, e: Edit): string {
  const tokens = lex(text).tokens;
  const pick = <V>(list: V[]): V | undefined => list[Math.floor(e.at * list.length)];
  const splice = (start: number, end: number, insert: string) => text.slice(0, start) + insert + text.slice(end);
  switch (e.kind < 13 ? e.kind % 6 : -1) {
    case 0: {
      const number = pick(tokens.filter((t) => t.tokenType === IntegerLit || t.tokenType === ResolutionLit));
      if (number) return e.remove % 2 === 0 ? splice(number.startOffset + number.image.length, number.startOffset + number.image.length, "7") : splice(number.startOffset, number.startOffset + 1, "9");
      break;
    }
    case 1: {
      const name = pick(tokens.filter((t) => t.tokenType === Identifier));
      if (name) return splice(name.startOffset + name.image.length, name.startOffset + name.image.length, "x");
      break;
    }
    case 2:
    case 3: {
      const gap = pick(tokens.slice(1));
      if (gap) return splice(gap.startOffset, gap.startOffset, [" ", "\n  ", "\r\n", " /* note */ ", " // note\n"][e.remove % 5]!);
      break;
    }
    case 4: {
      const line = pick([...text.matchAll(/\n(?=  (node|gate|input|review|select|output)\b)/g)]);
      if (line) return splice(line.index! + 1, line.index! + 1, `  node added${e.remove} = caption(shots) { cost 1 credit }\n`);
      break;
    }
    case 5: {
      const line = pick([...text.matchAll(/\n  (node|gate|input|review|select)\b[^{}\n]*(\{[^{}\n]*\})?[^{}\n]*(?=\n)/g)]);
      if (line) return splice(line.index!, line.index! + line[0].length, "");
      break;
    }
  }
  const start = Math.floor(e.at * text.length);
  return splice(start, Math.min(text.length, start + e.remove), e.insert);
}

describe("parsing after an edit", () => {
  test("equals parsing the new text, over chains of random edits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: samples.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 16 }), (which, edits) => {
        let previous: Parsed = { text: samples[which]!, result: parse(samples[which]!) };
        for (const e of edits) {
          const text = apply(previous.text, e);
          const result = reparse(previous, text);
          expect(result).toEqual(parse(text));
          previous = { text, result };
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  test("equals parsing the new text on a generated flow, edit after edit", () => {
    const start = toFlowText(benchDecls(120));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 30 }), (edits) => {
        let previous: Parsed = { text: start, result: parse(start) };
        for (const e of edits) {
          const text = apply(previous.text, e);
          const result = reparse(previous, text);
          expect(result).toEqual(parse(text));
          previous = { text, result };
        }
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  test("keeps the declarations before the edit, and moves those after it in place", () => {
    const text = toFlowText(benchDecls(200));
    const before: Parsed = { text, result: parse(text) };
    const oldDecls = [...before.result.ast.flow!.decls];
    const lastStart = oldDecls[oldDecls.length - 1]!.range.start.offset;
    const edited = text.replace("node draft20 = generate(ok19) { model flux  resolution 512x512", "node draft20 = generate(ok19) { model flux  resolution 512x5120");
    const after = reparse(before, edited);
    expect(after).toEqual(parse(edited));
    const newDecls = after.ast.flow!.decls;
    const reparsed = newDecls.flatMap((d, i) => (d === oldDecls[i] ? [] : [i]));
    expect(reparsed.length).toBeGreaterThan(0);
    expect(reparsed.length).toBeLessThan(4);
    expect(reparsed[0]).toBeGreaterThan(50);
    expect(newDecls[newDecls.length - 1]).toBe(oldDecls[oldDecls.length - 1]);
    expect(newDecls[newDecls.length - 1]!.range.start.offset).toBe(lastStart + 1);
  });

  test("edits do not keep old versions of the text alive", () => {
    // a name cut from a 100 KB text must not hold that text: one leaked text per edit shows here
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const start = toFlowText(benchDecls(1600));
    let previous: Parsed = { text: start, result: parse(start) };
    const edit = (i: number) => {
      // a digit typed at the end of a draft's height, or deleted again
      const drafts = [...previous.text.matchAll(/resolution 512x(\d+)/g)];
      const draft = drafts[(i * 37) % drafts.length]!;
      const end = draft.index! + draft[0].length;
      const text = draft[1]!.length > 3 ? previous.text.slice(0, end - 1) + previous.text.slice(end) : previous.text.slice(0, end) + "7" + previous.text.slice(end);
      previous = { text, result: reparse(previous, text) };
    };
    for (let i = 0; i < 5; i++) edit(i);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 5; i < 65; i++) edit(i);
    gc();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(2_000_000);
    expect(previous.result).toEqual(parse(previous.text));
  });

  test("a text with errors before or after the edit is parsed whole", () => {
    const broken = samples[0]!.replace("node", "nod");
    const previous: Parsed = { text: broken, result: parse(broken) };
    const text = broken.replace("flux_pro", "flux_pr");
    expect(reparse(previous, text)).toEqual(parse(text));
  });

  test("an edit that nests a list too deep for the parser is parsed whole, and reported", () => {
    const before = "flow f {\n  input a: text\n  node n = tag(a) { param p = [1] }\n  output n\n}\n";
    const text = before.replace("[1]", `${"[".repeat(MAX_LIST_DEPTH + 1)}1${"]".repeat(MAX_LIST_DEPTH + 1)}`);
    const after = reparse({ text: before, result: parse(before) }, text);
    expect(after).toEqual(parse(text));
    expect(after.diagnostics.map((d) => d.message)).toContain(`lists may nest at most ${MAX_LIST_DEPTH} deep`);
  });
});
