import { readFileSync, readdirSync } from "node:fs";
import { parse } from "../grammar/index";
for (const f of readdirSync("samples").filter(f => f.endsWith(".flow"))) {
  const r = parse(readFileSync("samples/" + f, "utf8"));
  console.log(f, r.ast.flow?.name.text, r.ast.flow?.decls.length, r.comments.length, r.diagnostics.map(d => `${d.range.start.line}:${d.range.start.column} ${d.message}`));
}
