// Timing of the front end alone, phase by phase, on the benchmark's flow of 10,000 declarations
// (bench/generate.ts). Not a test; bench/parse.ts measures the whole parse + check + cost.
// Run: npx esbuild bench/parse-timing.ts --bundle --platform=node --format=esm \
//        --outfile=/tmp/parse-timing.mjs && NODE_ENV=production node /tmp/parse-timing.mjs
// The AST is built during the parse (embedded actions), so "parse + AST" is one figure.
import { parse } from "../grammar/index";
import { AstBuilder } from "../grammar/ast-builder";
import { FlowParser, flowParser } from "../grammar/parser";
import { lex } from "../grammar/tokens";
import { benchDecls, toFlowText } from "./generate";

/** Best of `runs` timings, in milliseconds. */
function best(runs: number, work: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** A builder that builds nothing: times the grammar alone. */
function nullBuilder(text: string): AstBuilder {
  const real = new AstBuilder(text);
  const kept = new Set<string | symbol>(["lines", "diagnostics", "text"]);
  return new Proxy(real, { get: (target, key) => (kept.has(key) ? Reflect.get(target, key) : () => undefined) });
}

function report(): void {
  const text = toFlowText(benchDecls(10_000));
  const checked = parse(text);
  if (checked.diagnostics.length > 0) throw new Error(`generated flow has errors: ${checked.diagnostics[0].message}`);
  const tokens = lex(text).tokens;
  const runs = 20;
  const lexMs = best(runs, () => lex(text));
  const grammarMs = best(runs, () => flowParser().parseTokens(tokens, nullBuilder(text)));
  const parseMs = best(runs, () => flowParser().parseTokens(tokens, new AstBuilder(text)));
  const totalMs = best(runs, () => parse(text));
  console.log(`${(text.length / 1024).toFixed(0)} KB of .flow, ${checked.ast.flow?.decls.length} declarations, ${tokens.length} tokens`);
  console.log(
    `lex ${lexMs.toFixed(1)} ms · grammar alone ${grammarMs.toFixed(1)} ms · parse + AST ${parseMs.toFixed(1)} ms (AST ≈ ${(parseMs - grammarMs).toFixed(1)} ms)`,
  );
  console.log(`parse() in all ${totalMs.toFixed(1)} ms · building the parser ${best(5, () => new FlowParser()).toFixed(1)} ms`);
}

if (process.argv[1]?.includes("parse-timing")) report();
