#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileCached } from "./code-cache.js";

const bundle = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("flowc: dist/cli.js is missing; run `npm run build` (npm ci does it for you)\n");
  process.exit(2);
}

// The commands that only read, analyse and write files start from the code-cached script. The
// others stay on the ES modules: `run` and its kin load dist/runtime.js, whose classes and state
// must be the ones the CLI holds, not a second copy in the script.
const CACHED = new Set(["check", "cost", "diff", "fmt"]);
const cached = CACHED.has(process.argv[2] ?? "") && !process.env.FLOWC_NO_CODE_CACHE ? compileCached(fileURLToPath(new URL("../dist/cli.cjs", import.meta.url))) : undefined;
if (cached !== undefined) cached.run();
else await import(bundle.href);
