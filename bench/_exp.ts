import { CstParser, EmbeddedActionsParser, Lexer } from "chevrotain";
import * as T from "../grammar/tokens";
import { generateFlow } from "./parse-timing";
const noKw = T.ALL_TOKENS.filter(t => !T.KEYWORDS.includes(t));
const lx = new Lexer(noKw, { positionTracking: "onlyOffset", ensureOptimizations: true });
const kwMap = new Map(T.KEYWORDS.map(k => [k.name.slice(3), k]));
kwMap.set("credit", T.Credits);
function lexIt(text: string) {
  const r = lx.tokenize(text);
  for (const t of r.tokens) if (t.tokenTypeIdx === T.Identifier.tokenTypeIdx) { const k = kwMap.get(t.image); if (k) { t.tokenType = k; t.tokenTypeIdx = k.tokenTypeIdx!; } }
  return r.tokens;
}
function rules($: any) {
  $.RULE("file", () => { $.SUBRULE($.flow); });
  $.RULE("flow", () => { $.CONSUME(T.Flow); $.CONSUME(T.Identifier); $.CONSUME(T.LCurly); $.MANY(() => $.SUBRULE($.decl)); $.CONSUME(T.RCurly); });
  $.RULE("decl", () => $.OR([
    { ALT: () => $.SUBRULE($.inputDecl) }, { ALT: () => $.SUBRULE($.model) }, { ALT: () => $.SUBRULE($.node) },
    { ALT: () => $.SUBRULE($.gate) }, { ALT: () => $.SUBRULE($.budget) }, { ALT: () => $.SUBRULE($.outputDecl) }]));
  $.RULE("inputDecl", () => { $.CONSUME(T.Input); $.CONSUME(T.Identifier); $.CONSUME(T.Colon); $.CONSUME(T.MediaTypeKw);
    $.OPTION(() => { $.CONSUME(T.LBracket); $.CONSUME(T.IntegerLit); $.OPTION2(() => { $.CONSUME(T.DotDot); $.CONSUME2(T.IntegerLit); }); $.CONSUME(T.RBracket); });
    $.MANY(() => $.OR([{ ALT: () => $.CONSUME(T.Stable) }, { ALT: () => { $.CONSUME(T.Expect); $.CONSUME(T.NumberLit); } }])); });
  $.RULE("model", () => { $.CONSUME(T.Model); $.CONSUME(T.Identifier); $.CONSUME(T.LCurly); $.MANY(() => $.SUBRULE($.rate)); $.CONSUME(T.RCurly); });
  $.RULE("rate", () => { $.CONSUME(T.Rate); $.CONSUME(T.NumberLit); $.CONSUME(T.Credits); $.AT_LEAST_ONE(() => { $.CONSUME(T.Per); $.CONSUME(T.UnitKw); }); });
  $.RULE("node", () => { $.CONSUME(T.NodeKw); $.CONSUME(T.Identifier); $.CONSUME(T.Equals); $.CONSUME2(T.Identifier); $.CONSUME(T.LParen);
    $.MANY_SEP({ SEP: T.Comma, DEF: () => $.SUBRULE($.arg) }); $.CONSUME(T.RParen); $.OPTION(() => $.SUBRULE($.nodeBlock)); });
  $.RULE("arg", () => $.OR([{ ALT: () => $.SUBRULE($.named) }, { ALT: () => $.SUBRULE($.ref) }]));
  $.RULE("named", () => { $.CONSUME(T.Identifier); $.CONSUME(T.Colon); $.SUBRULE($.ref); });
  $.RULE("ref", () => { $.CONSUME(T.Identifier); $.OPTION(() => { $.CONSUME(T.Dot); $.CONSUME(T.Rejected); }); });
  $.RULE("nodeBlock", () => { $.CONSUME(T.LCurly); $.MANY(() => $.SUBRULE($.nprop)); $.CONSUME(T.RCurly); });
  $.RULE("nprop", () => $.OR([
    { ALT: () => $.SUBRULE($.pModel) }, { ALT: () => $.SUBRULE($.pRes) }, { ALT: () => $.SUBRULE($.pBatch) }, { ALT: () => $.SUBRULE($.pCost) }]));
  $.RULE("pModel", () => { $.CONSUME(T.Model); $.CONSUME(T.Identifier); });
  $.RULE("pRes", () => { $.CONSUME(T.ResolutionKw); $.CONSUME(T.ResolutionLit); });
  $.RULE("pBatch", () => { $.CONSUME(T.Batch); $.CONSUME(T.IntegerLit); });
  $.RULE("pCost", () => { $.CONSUME(T.Cost); $.CONSUME(T.NumberLit); $.CONSUME(T.Credits); $.OPTION(() => { $.CONSUME(T.Per); $.CONSUME(T.Call); }); });
  $.RULE("gate", () => { $.CONSUME(T.Gate); $.CONSUME(T.Identifier); $.CONSUME(T.Equals); $.SUBRULE($.cond); $.MANY(() => { $.CONSUME(T.And); $.SUBRULE2($.cond); });
    $.OPTION(() => { $.CONSUME(T.LCurly); $.MANY2(() => $.SUBRULE($.gprop)); $.CONSUME(T.RCurly); }); });
  $.RULE("cond", () => { $.CONSUME(T.Identifier); $.CONSUME(T.Dot); $.CONSUME2(T.Identifier); $.CONSUME(T.Comparison); $.CONSUME(T.NumberLit); });
  $.RULE("gprop", () => $.OR([{ ALT: () => $.SUBRULE($.expectPass) }, { ALT: () => $.SUBRULE($.elseC) }]));
  $.RULE("expectPass", () => { $.CONSUME(T.Expect); $.CONSUME(T.Pass); $.CONSUME(T.PercentLit); });
  $.RULE("elseC", () => { $.CONSUME(T.Else); $.OR([{ ALT: () => $.CONSUME(T.Discard) }, { ALT: () => { $.CONSUME(T.Retry); $.CONSUME(T.Identifier); $.CONSUME(T.Up); $.CONSUME(T.To); $.CONSUME(T.IntegerLit); $.OPTION(() => { $.CONSUME(T.Then); $.CONSUME2(T.Discard); }); } }]); });
  $.RULE("budget", () => { $.CONSUME(T.Budget); $.CONSUME(T.LCurly); $.MANY(() => $.OR([{ ALT: () => { $.CONSUME(T.Cap); $.CONSUME(T.NumberLit); $.CONSUME(T.Credits); } }, { ALT: () => { $.CONSUME(T.Alert); $.CONSUME(T.PercentLit); } }])); $.CONSUME(T.RCurly); });
  $.RULE("outputDecl", () => { $.CONSUME(T.Output); $.SUBRULE($.ref); $.MANY(() => { $.CONSUME(T.Comma); $.SUBRULE2($.ref); }); });
}
class C extends CstParser { constructor() { super(T.ALL_TOKENS, { recoveryEnabled: true, skipValidations: true }); rules(this); this.performSelfAnalysis(); } }
class E extends EmbeddedActionsParser { constructor() { super(T.ALL_TOKENS, { recoveryEnabled: true, skipValidations: true }); rules(this); this.performSelfAnalysis(); } }
const c = new C() as any, e = new E() as any;
const text = generateFlow(3400);
const toks = lexIt(text);
function best(n: number, f: () => void) { let m = Infinity; for (let i = 0; i < n; i++) { const s = performance.now(); f(); m = Math.min(m, performance.now() - s); } return m; }
console.log("cst", best(15, () => { c.input = toks; c.file(); if (c.errors.length) throw new Error(JSON.stringify(c.errors[0].message)); }).toFixed(1));
console.log("emb", best(15, () => { e.input = toks; e.file(); if (e.errors.length) throw new Error(e.errors[0].message); }).toFixed(1));
