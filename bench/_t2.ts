import { parse } from "../grammar/index";
const cases: string[] = [
`flow f {
  node a = generate(x) { cache ttl }
}`,
`flow f {
  gate g = a.b >= 1 { expect pass 0.5 }
}`,
`flow f {
  node a = generate(x) {
    model m
`,
`flow f {
  foo
  node a = g(x)
}`,
`flow f {
  input a: picture
  node b = g(a) { retry two }
  gate c = b.x >= { expect pass 50% }
  node d = g(c) { model m }
  output d
}`,
`node a = g(x)
flow f { }`,
`flow f {
  node a = g(x) {
    model m
  output a
}`,
`flow f { model m { rate 4 credits } node a = g(x) { cache 48h } select s = a by best }`,
`flow f { budget { alert } input x: image[2.5] node n = g(x) { variants 2.5 } }`,
`flow f { node a = g(x) { param p = } output a. }`,
`flow f { } flow g { }`,
`flow f { node a = g(x { model m } }`,
`flow f { input x: image "abc
 output x /* open`,
`flow f { input x: image @@ output x }`,
``,
`}}}}`,
`flow`,
];
for (const c of cases) {
  const r = parse(c);
  console.log("----\n" + c);
  for (const d of r.diagnostics) console.log(`  ${d.range.start.line}:${d.range.start.column}-${d.range.end.line}:${d.range.end.column} ${d.message}`);
  console.log("  decls:", r.ast.flow?.decls.map(d => d.kind + ":" + ("name" in d ? (d as any).name.text : "")).join(" "));
}
