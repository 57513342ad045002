import { parse } from "../grammar/index";
const src = `// c
flow f {
  input shots: image[50] expect 40
  input style: image stable
  model m { rate 1 credit per megapixel }
  node clip = video(shots, style: style) { model m resolution 1024x1024 duration 5s cache ttl 48h param p = ["a", 1, true] }
  gate g = clip.confidence >= 0.8 and clip.x < 3 { expect pass 85% else retry clip up to 2 then discard }
  review r = g.rejected by human { expect approve 30% timeout 2w }
  select s = clip by highest x { pick 2 }
  budget { cap 900 credits alert 75% strict }
  output r, s
}`;
const r = parse(src);
console.log(JSON.stringify(r.diagnostics, null, 1));
console.log(JSON.stringify(r.ast.flow?.decls.map(d => d.kind)));
console.log(JSON.stringify(r.ast.flow?.decls[3]).slice(0, 1500));
