#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bundle = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(fileURLToPath(bundle))) {
  process.stderr.write("flowc: dist/cli.js is missing; run `npm run build` (npm ci does it for you)\n");
  process.exit(2);
}
await import(bundle.href);
