import { AstBuilder } from "../grammar/ast-builder";
import { flowParser } from "../grammar/parser";
import { lex } from "../grammar/tokens";
import { generateFlow } from "./parse-timing";
const text = generateFlow(3400);
const tokens = lex(text).tokens;
for (let i = 0; i < 40; i++) flowParser().parseTokens(tokens, new AstBuilder(text));
