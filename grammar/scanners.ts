// Hand-written matchers for the lexer's tokens of unbounded length that a regular expression would
// match with a repeated group (strings, and numbers with `_` between digits). V8's regular
// expressions keep a backtracking entry per repetition of a group: a 10 MB string literal ran out
// of backtracking stack ("Maximum call stack size exceeded"). Each matcher here is one forward
// loop over the text, with no backtracking and no recursion, and accepts exactly what the regular
// expression in its comment accepts (test/grammar-scan.test.ts holds them to it).
import type { CustomPatternMatcherFunc } from "chevrotain";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;
const DOT = 0x2e;
const LF = 0x0a;
const CR = 0x0d;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isHexDigit(code: number): boolean {
  return isDigit(code) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/** `[A-Za-z0-9_]` */
function isWordChar(code: number): boolean {
  return isDigit(code) || code === UNDERSCORE || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** After a backslash in a JSON string: `["\\/bfnrt]` or `u` and four hex digits; the escape's length, or 0. */
function jsonEscapeLength(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 0x75) {
    for (let k = 1; k <= 4; k++) if (!isHexDigit(text.charCodeAt(at + k))) return 0;
    return 5;
  }
  return '"\\/bfnrt'.includes(text.charAt(at)) && at < text.length ? 1 : 0;
}

/** End of `"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"` at `offset`, or -1. */
export function jsonStringEnd(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== QUOTE) return -1;
  for (let at = offset + 1; at < text.length; ) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) return at + 1;
    if (code < 0x20) return -1;
    if (code !== BACKSLASH) {
      at++;
      continue;
    }
    const escape = jsonEscapeLength(text, at + 1);
    if (escape === 0) return -1;
    at += 1 + escape;
  }
  return -1;
}

/** End of `"(?:[^"\\\r\n]|\\[^\r\n]?)*"?` at `offset` (any string-like text up to the end of its line), or -1. */
export function looseStringEnd(text: string, offset: number): number {
  if (text.charCodeAt(offset) !== QUOTE) return -1;
  let at = offset + 1;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === QUOTE) return at + 1;
    if (code === LF || code === CR) return at;
    at++;
    if (code === BACKSLASH && at < text.length && text.charCodeAt(at) !== LF && text.charCodeAt(at) !== CR) at++;
  }
  return at;
}

/** End of `\d(?:_?\d)*` at `offset`, or -1. */
export function digitsEnd(text: string, offset: number): number {
  if (!isDigit(text.charCodeAt(offset))) return -1;
  let at = offset + 1;
  for (;;) {
    if (isDigit(text.charCodeAt(at))) at++;
    else if (text.charCodeAt(at) === UNDERSCORE && isDigit(text.charCodeAt(at + 1))) at += 2;
    else return at;
  }
}

/** End of `\d(?:_?\d)*(?:\.\d(?:_?\d)*)?` (a figure such as `1_000` or `0.5`) at `offset`, or -1. */
export function figureEnd(text: string, offset: number): number {
  const whole = digitsEnd(text, offset);
  return whole === -1 ? -1 : fractionEnd(text, whole);
}

/** After the whole part of a number that ends at `whole`: the end of its `\.\d(?:_?\d)*`, else `whole`. */
export function fractionEnd(text: string, whole: number): number {
  if (text.charCodeAt(whole) !== DOT) return whole;
  const fraction = digitsEnd(text, whole + 1);
  return fraction === -1 ? whole : fraction;
}

/** End of `\d(?:_?\d)*\.\d(?:_?\d)*` at `offset`, or -1. */
export function decimalEnd(text: string, offset: number): number {
  const whole = digitsEnd(text, offset);
  if (whole === -1) return -1;
  const figure = fractionEnd(text, whole);
  return figure > whole ? figure : -1;
}

/** End of `<figure>%` at `offset`, or -1. */
export function percentEnd(text: string, offset: number): number {
  const figure = figureEnd(text, offset);
  return figure === -1 ? -1 : percentSignEnd(text, figure);
}

/** After a figure that ends at `figure`: the end of a `%`, or -1. */
export function percentSignEnd(text: string, figure: number): number {
  return text.charCodeAt(figure) === 0x25 ? figure + 1 : -1;
}

/** End of `<figure>(?:ms|[smhdw])(?![A-Za-z0-9_])` at `offset`, or -1. */
export function durationEnd(text: string, offset: number): number {
  const figure = figureEnd(text, offset);
  return figure === -1 ? -1 : durationUnitEnd(text, figure);
}

/** After a figure that ends at `figure`: the end of `(?:ms|[smhdw])(?![A-Za-z0-9_])`, or -1. */
export function durationUnitEnd(text: string, figure: number): number {
  if (text.startsWith("ms", figure) && !isWordChar(text.charCodeAt(figure + 2))) return figure + 2;
  return "smhdw".includes(text.charAt(figure)) && figure < text.length && !isWordChar(text.charCodeAt(figure + 1)) ? figure + 1 : -1;
}

/** End of `\d+` at `offset`, or -1. */
function digitRunEnd(text: string, offset: number): number {
  let at = offset;
  while (isDigit(text.charCodeAt(at))) at++;
  return at === offset ? -1 : at;
}

/** End of `\d+x\d+` at `offset`, or -1. */
export function resolutionEnd(text: string, offset: number): number {
  const width = digitRunEnd(text, offset);
  if (width === -1 || text.charAt(width) !== "x") return -1;
  return digitRunEnd(text, width + 1);
}

/** A Chevrotain custom pattern from a function that finds where the token starting at `offset` ends. */
export function matcher(end: (text: string, offset: number) => number): { exec: CustomPatternMatcherFunc } {
  return {
    exec: (text, offset) => {
      const at = end(text, offset);
      return at === -1 ? null : [text.slice(offset, at)];
    },
  };
}

/** The digits that may begin a number token, for Chevrotain's first-character optimisation. */
export const DIGIT_CHARS = [..."0123456789"];

/** Whether a string token that ends with `"` has it escaped (an odd run of backslashes before it). */
export function endsWithEscapedQuote(image: string): boolean {
  let backslashes = 0;
  for (let at = image.length - 2; at >= 1 && image.charCodeAt(at) === BACKSLASH; at--) backslashes++;
  return backslashes % 2 === 1;
}
