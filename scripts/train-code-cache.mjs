// Run by scripts/build.mjs: compiles dist/cli.cjs as bin/flowc.js does, runs `check` and `cost`
// on the samples with it (output discarded), and writes V8's code cache of all that ran, so that a
// `flowc check` starts with its functions compiled (see bin/code-cache.js).
import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileCached } from "../bin/code-cache.js";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const samples = readdirSync(path.join(root, "samples"))
  .filter((name) => name.endsWith(".flow"))
  .map((name) => path.join("samples", name));
const cached = compileCached(path.join(root, "dist/cli.cjs"));
if (cached === undefined || cached.cacheFile === undefined) process.exit(0); // no vm import() here (Node < 20.12): no cache
// Each run executes the script afresh (its commands read the arguments as they start); what any of
// them compiled is in the one cache.
for (const args of [["check", ...samples], ["check", ...samples, "--format", "json"], ["cost", ...samples]]) {
  process.argv.splice(2, Infinity, ...args);
  cached.run();
}
process.on("exit", () => {
  writeFileSync(cached.cacheFile, cached.script.createCachedData());
  process.exitCode = 0;
});
