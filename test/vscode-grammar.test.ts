// The TextMate grammar of the VS Code extension (editors/vscode/syntaxes/flow.tmLanguage.json),
// loaded with vscode-textmate and vscode-oniguruma as VS Code loads it, tokenizes every sample:
// each token of flowc's own lexer must get the scope of its kind (comments, strings, numbers with
// their units, durations, resolutions, percentages, keywords, `.rejected`).
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { TokenType } from "chevrotain";
import { beforeAll, describe, expect, test } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { lex } from "../grammar/lexer";
import * as T from "../grammar/tokens";
import { occurrencesOf } from "../lsp/names";
import { parse } from "../grammar/index";
import { ROOT } from "./lsp-client";

const GRAMMAR = path.join(ROOT, "editors/vscode/syntaxes/flow.tmLanguage.json");
const SAMPLES = path.join(ROOT, "samples");

function sampleFiles(dir = SAMPLES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sampleFiles(path.join(dir, e.name)) : e.name.endsWith(".flow") ? [path.join(dir, e.name)] : []));
}

let grammar: textmate.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope: string) => (scope === "source.flowc" ? textmate.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null),
  });
  grammar = (await registry.loadGrammar("source.flowc"))!;
});

/** The scopes of every character of the text, line by line. */
function scopesOf(text: string): (offset: number) => string[] {
  const lineStarts: number[] = [];
  const byLine: textmate.IToken[][] = [];
  let stack = textmate.INITIAL;
  let start = 0;
  for (const line of text.split("\n")) {
    const result = grammar.tokenizeLine(line, stack);
    lineStarts.push(start);
    byLine.push(result.tokens);
    stack = result.ruleStack;
    start += line.length + 1;
  }
  return (offset) => {
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line--;
    const column = offset - lineStarts[line]!;
    return byLine[line]!.find((t) => t.startIndex <= column && column < t.endIndex)?.scopes ?? [];
  };
}

/** The scope a token of flowc's lexer must get, or undefined when any will do (names). */
function expectedScope(type: TokenType | undefined, afterDot: boolean): RegExp | undefined {
  if (type === T.StringLiteral || type === T.BadString) return /^string\.quoted\.double/;
  if (type === T.ResolutionLit) return /^constant\.numeric\.resolution/;
  if (type === T.DurationLit) return /^constant\.numeric\.duration/;
  if (type === T.PercentLit) return /^constant\.numeric\.percent/;
  if (type === T.DecimalLit || type === T.IntegerLit) return /^constant\.numeric\.flowc$/;
  if (type === T.Rejected && afterDot) return /^variable\.language\.rejected/;
  if (type === T.Credits || type === T.Megapixel || type === T.Second || type === T.Item || type === T.Call) return /^keyword\.other\.unit/;
  if (type && T.KEYWORDS.includes(type)) return /^(keyword|storage\.type|support\.type|constant\.language)\./;
  return undefined;
}

describe("the VS Code TextMate grammar", () => {
  test.each(sampleFiles().map((f) => [path.relative(ROOT, f), f]))("every token of %s gets the scope of its kind", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const scopes = scopesOf(text);
    const lexed = lex(text);
    const names = new Set(occurrencesOf(parse(text).ast).map((o) => o.range.start.offset));
    const mismatches: string[] = [];
    for (const comment of lexed.comments) {
      if (!scopes(comment.startOffset).some((s) => s.startsWith("comment."))) mismatches.push(`comment at ${comment.startOffset}`);
    }
    lexed.tokens.forEach((token, i) => {
      if (names.has(token.startOffset)) return; // a name that happens to be a keyword
      const expected = expectedScope(token.tokenType, lexed.tokens[i - 1]?.tokenType === T.Dot);
      if (expected && !scopes(token.startOffset).some((s) => expected.test(s))) {
        mismatches.push(`'${token.image}' at ${token.startOffset}: ${scopes(token.startOffset).join(" ")} (expected ${expected})`);
      }
    });
    expect(mismatches).toEqual([]);
    expect(lexed.tokens.length).toBeGreaterThan(20);
  });

  test("numbers with their units, durations, resolutions, strings, comments and .rejected", () => {
    const text = [
      "// a comment",
      "flow f { /* block",
      "  still a comment */",
      "  model m { rate 4 credits per megapixel per second  overhead 1 credit per call }",
      "  node n = generate(p.rejected, style: s) { resolution 1024x1024  cache ttl 48h  expect fail 5%  param prompt = \"a \\\"b\\\"\" }",
      "  gate g = n.aesthetic >= 0.5",
      "}",
    ].join("\n");
    const scopes = scopesOf(text);
    const at = (needle: string, shift = 0) => scopes(text.indexOf(needle) + shift).join(" ");
    expect(at("// a comment")).toContain("comment.line.double-slash.flowc");
    expect(at("still")).toContain("comment.block.flowc");
    expect(at("flow f")).toContain("storage.type.flow.flowc");
    expect(at("flow f", 5)).toContain("entity.name.namespace.flow.flowc");
    expect(at("4 credits")).toContain("constant.numeric.flowc");
    expect(at("4 credits", 2)).toContain("keyword.other.unit.credits.flowc");
    expect(at("1 credit per")).toContain("constant.numeric.flowc");
    expect(at("1 credit per", 2)).toContain("keyword.other.unit.credits.flowc");
    expect(at("megapixel")).toContain("keyword.other.unit.flowc");
    expect(at("per call", 4)).toContain("keyword.other.unit.flowc");
    expect(at("1024x1024")).toContain("constant.numeric.resolution.flowc");
    expect(at("48h")).toContain("constant.numeric.duration.flowc");
    expect(at("5%")).toContain("constant.numeric.percent.flowc");
    expect(at("rejected")).toContain("variable.language.rejected.flowc");
    expect(at("p.rejected")).toContain("variable.other.stream.flowc");
    expect(at('"a')).toContain("string.quoted.double.flowc");
    expect(at('\\"b')).toContain("constant.character.escape.flowc");
    expect(at("aesthetic")).toContain("variable.other.property.metric.flowc");
    expect(at(">=")).toContain("keyword.operator.comparison.flowc");
    expect(at("generate")).toContain("entity.name.function.op.flowc");
    expect(at("model m")).toContain("storage.type.model.flowc");
    expect(at("resolution")).toContain("keyword.other.property.flowc");
    expect(at("0.5")).toContain("constant.numeric.flowc");
  });
});
