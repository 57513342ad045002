import { parse } from "../grammar/index";
import { lex } from "../grammar/tokens";
import { generateFlow } from "./parse-timing";
const text = generateFlow(3400);
let t = performance.now(); lex(text); const lexMs = performance.now() - t;
t = performance.now(); const r = parse(text); const pMs = performance.now() - t;
t = performance.now(); parse(text); const p2 = performance.now() - t;
t = performance.now(); parse(text); const p3 = performance.now() - t;
console.log("cold lex", lexMs.toFixed(1), "first parse", pMs.toFixed(1), "second", p2.toFixed(1), "third", p3.toFixed(1), r.diagnostics.length);
