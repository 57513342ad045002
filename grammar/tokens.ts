// The lexer of `.flow` files. Keywords are reserved only where the grammar needs them: every
// keyword token also belongs to the `Identifier` category, so `video`, `model` or `final` is still a
// name wherever the grammar expects a name. The lexer itself matches only `Identifier`; a keyword is
// an identifier whose text is in `KEYWORD_BY_TEXT`, re-typed in one pass after lexing (a map
// look-up per name instead of one regular expression per keyword sharing its first letter: lexing
// takes 25% less time than with `longer_alt` keyword patterns). Each token's `label` is what error
// messages call it.
import { createToken, Lexer, type TokenType } from "chevrotain";
import * as scan from "./scanners";

/** The lexer group that keeps comments out of the parser's way (the formatter needs them). */
export const COMMENTS_GROUP = "comments";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: COMMENTS_GROUP });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: COMMENTS_GROUP,
  line_breaks: true,
});
/** A block comment never closed: kept as a comment to the end of the file, and reported. */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: COMMENTS_GROUP,
  line_breaks: true,
});

/** Names. Also the category of every keyword. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "a name" });

// Strings and numbers have no length limit: they are matched by the loops of scanners.ts, not by
// regular expressions with a repeated group (which backtrack, and overflowed on a 10 MB string).
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: scan.matcher(scan.jsonStringEnd),
  start_chars_hint: ['"'],
  line_breaks: false,
  label: "a string in double quotes",
});
/**
 * A string that breaks JSON's rules (unterminated on its line, a bad escape, a control character).
 * The parser takes it as a string, so that one mistake makes one diagnostic (see `badStringMessage`).
 */
export const BadString = createToken({
  name: "BadString",
  pattern: scan.matcher(scan.looseStringEnd),
  start_chars_hint: ['"'],
  line_breaks: false,
  categories: [StringLiteral],
  label: "a string in double quotes",
});

// Numbers and the literals built on them all start with a digit; the longest forms come first so
// that `1024x1024`, `48h` and `30%` are never split into a number and something else.
function numberToken(name: string, end: (text: string, offset: number) => number, label: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: scan.matcher(end), start_chars_hint: scan.DIGIT_CHARS, line_breaks: false, categories, label });
}

export const ResolutionLit = numberToken("ResolutionLit", scan.resolutionEnd, "a resolution such as 1024x1024");
export const DurationLit = numberToken("DurationLit", scan.durationEnd, "a duration such as 48h");
export const PercentLit = numberToken("PercentLit", scan.percentEnd, "a percentage such as 30%");
/** Any number: the category of `DecimalLit` and `IntegerLit`. */
export const NumberLit = createToken({ name: "NumberLit", pattern: Lexer.NA, label: "a number such as 0.5" });
export const DecimalLit = numberToken("DecimalLit", scan.decimalEnd, "a number such as 0.5", [NumberLit]);
export const IntegerLit = numberToken("IntegerLit", scan.digitsEnd, "a whole number such as 50", [NumberLit]);

function punct(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, label: `'${text}'` });
}
export const LCurly = punct("LCurly", "{");
export const RCurly = punct("RCurly", "}");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const Comma = punct("Comma", ",");
export const Colon = punct("Colon", ":");
export const DotDot = punct("DotDot", "..");
export const Dot = punct("Dot", ".");
export const Equals = punct("Equals", "=");

/** `>=`, `>`, `<=`, `<`: one category so the grammar takes any of them in one step. */
export const Comparison = createToken({ name: "Comparison", pattern: Lexer.NA, label: "a comparison (>=, >, <=, <)" });
function comparison(name: string, text: string): TokenType {
  return createToken({ name, pattern: text, categories: [Comparison], label: `'${text}'` });
}
export const GreaterEq = comparison("GreaterEq", ">=");
export const Greater = comparison("Greater", ">");
export const LessEq = comparison("LessEq", "<=");
export const Less = comparison("Less", "<");

/** The categories that group keywords the grammar takes as one choice. */
export const MediaTypeKw = createToken({
  name: "MediaTypeKw",
  pattern: Lexer.NA,
  label: "a media type (image, video, audio, text, json)",
});
export const UnitKw = createToken({ name: "UnitKw", pattern: Lexer.NA, label: "a unit (megapixel, second, item)" });

const keywordList: TokenType[] = [];

function keyword(word: string, extraCategories: TokenType[] = []): TokenType {
  const tokenType = createToken({
    name: `Kw_${word}`,
    pattern: Lexer.NA,
    categories: [Identifier, ...extraCategories],
    label: `'${word}'`,
  });
  keywordList.push(tokenType);
  return tokenType;
}

export const Import = keyword("import");
export const Flow = keyword("flow");
export const Input = keyword("input");
export const Model = keyword("model");
export const Op = keyword("op");
export const NodeKw = keyword("node");
export const Gate = keyword("gate");
export const Review = keyword("review");
export const Select = keyword("select");
export const Budget = keyword("budget");
export const Output = keyword("output");

export const Image = keyword("image", [MediaTypeKw]);
export const Video = keyword("video", [MediaTypeKw]);
export const Audio = keyword("audio", [MediaTypeKw]);
export const Text = keyword("text", [MediaTypeKw]);
export const Json = keyword("json", [MediaTypeKw]);
export const Stable = keyword("stable");
export const Expect = keyword("expect");

export const Rate = keyword("rate");
export const Per = keyword("per");
export const Overhead = keyword("overhead");
export const Family = keyword("family");
export const Megapixel = keyword("megapixel", [UnitKw]);
export const Second = keyword("second", [UnitKw]);
export const Item = keyword("item", [UnitKw]);
export const Call = keyword("call");
/** `credit` and `credits` are one token. */
export const Credits = keyword("credits");

export const Metric = keyword("metric");
export const Batchable = keyword("batchable");
export const Schema = keyword("schema");

export const ResolutionKw = keyword("resolution");
export const DurationKw = keyword("duration");
export const Variants = keyword("variants");
export const Cost = keyword("cost");
export const Cache = keyword("cache");
export const Ttl = keyword("ttl");
export const Off = keyword("off");
export const Retry = keyword("retry");
export const Batch = keyword("batch");
export const Fail = keyword("fail");
export const Timeout = keyword("timeout");
export const Concurrency = keyword("concurrency");
export const Param = keyword("param");

export const And = keyword("and");
export const Pass = keyword("pass");
export const Else = keyword("else");
export const Discard = keyword("discard");
export const Up = keyword("up");
export const To = keyword("to");
export const Then = keyword("then");
export const By = keyword("by");
export const Human = keyword("human");
export const Highest = keyword("highest");
export const Lowest = keyword("lowest");
export const Approve = keyword("approve");
export const Pick = keyword("pick");
export const Cap = keyword("cap");
export const Alert = keyword("alert");
export const Strict = keyword("strict");
export const Rejected = keyword("rejected");
export const True = keyword("true");
export const False = keyword("false");

/** Every keyword token. */
export const KEYWORDS: readonly TokenType[] = keywordList;

/** The keyword token of each reserved word (`credit` and `credits` alike). */
export const KEYWORD_BY_TEXT: ReadonlyMap<string, TokenType> = new Map([
  ...keywordList.map((tokenType): [string, TokenType] => [tokenType.name.slice("Kw_".length), tokenType]),
  ["credit", Credits],
]);

/**
 * The token types the lexer matches, in the order it tries them: the definition of the lexer that
 * grammar/lexer.ts implements by hand (and a Chevrotain `Lexer` over them, in the tests, checks).
 */
export const LEXED_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  BadString,
  ResolutionLit,
  DurationLit,
  PercentLit,
  DecimalLit,
  IntegerLit,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  DotDot,
  Dot,
  Equals,
  GreaterEq,
  Greater,
  LessEq,
  Less,
  Identifier,
];

/** Every token type the parser knows: the lexed ones, the keywords and the categories. */
export const ALL_TOKENS: TokenType[] = [...LEXED_TOKENS, ...keywordList, NumberLit, Comparison, MediaTypeKw, UnitKw];

/** Defined (true) by scripts/build.mjs in the bundles of dist/. */
declare const FLOWC_BUNDLE: boolean | undefined;

/**
 * Chevrotain's checks of the lexer and grammar definitions run from source (in the tests, where a
 * grammar mistake must fail) and are skipped in the bundles: they took a third of the parser's
 * construction, which every `flowc check` pays, and cannot fail on the grammar the tests passed.
 */
export const SKIP_DEFINITION_CHECKS =
  (typeof FLOWC_BUNDLE !== "undefined" && FLOWC_BUNDLE) || process.env.NODE_ENV === "production" || process.env.FLOWC_SKIP_GRAMMAR_CHECKS === "1";

/** Why a `BadString` token is not a JSON string, for its diagnostic. */
export function badStringMessage(image: string): string {
  if (image.length < 2 || !image.endsWith('"') || scan.endsWithEscapedQuote(image)) {
    return "unterminated string: a closing '\"' is missing on this line";
  }
  return 'invalid string: use JSON escapes (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX) and no control characters';
}
