// A Prettier 3 plugin for `.flow` files (bundled to dist/prettier-plugin.js):
//
//   npx prettier --plugin ./dist/prettier-plugin.js --write flows/*.flow
//
// Prettier's own `flow` parser is for Flow-typed JavaScript, so this one is called `flowc` and its
// language `Flow Pipeline`. The printer hands back what `formatFlow` prints: Prettier's layout
// options (printWidth, tabWidth, useTabs) do not apply to `.flow` files, whose canonical form is
// fixed; `endOfLine` does.
import { doc, type Parser, type Plugin, type Printer, type SupportLanguage } from "prettier";
import type { FlowFile } from "../../syntax/ast";
import { parse } from "../../grammar/index";
import { formatFlow } from "./index";

/** The root Prettier holds: the text and our AST. Prettier walks none of it (no visitor keys). */
export interface FlowRoot {
  type: "flow-file";
  text: string;
  ast: FlowFile;
}

export const PARSER_NAME = "flowc";
const AST_FORMAT = "flowc-ast";

export const languages: SupportLanguage[] = [{ name: "Flow Pipeline", parsers: [PARSER_NAME], extensions: [".flow"] }];

const flowParser: Parser<FlowRoot> = {
  astFormat: AST_FORMAT,
  parse(text) {
    const parsed = parse(text);
    const first = parsed.diagnostics[0];
    if (first !== undefined) throw syntaxError(first.message, first.range.start, parsed.diagnostics.length);
    return { type: "flow-file", text, ast: parsed.ast };
  },
  locStart: () => 0,
  locEnd: (root) => root.text.length,
};

const flowPrinter: Printer<FlowRoot> = {
  print(path) {
    // `replaceEndOfLine` lets Prettier's `endOfLine` option choose the line breaks.
    return doc.utils.replaceEndOfLine(formatFlow(path.node.text).text);
  },
  getVisitorKeys: () => [],
};

/** What Prettier expects of a parse error: a `loc` it can show a code frame for. */
function syntaxError(message: string, start: { line: number; column: number }, count: number): SyntaxError {
  const more = count > 1 ? ` (and ${count - 1} more syntax error${count > 2 ? "s" : ""})` : "";
  return Object.assign(new SyntaxError(`${message}${more}`), { loc: { start: { line: start.line, column: start.column } } });
}

export const parsers: Record<string, Parser<FlowRoot>> = { [PARSER_NAME]: flowParser };
export const printers: Record<string, Printer<FlowRoot>> = { [AST_FORMAT]: flowPrinter };

const plugin: Plugin<FlowRoot> = { languages, parsers, printers };
export default plugin;
