// Bundles the CLI (and the benchmarks) with esbuild so that start-up does not pay for resolving
// hundreds of modules. TypeScript, ts-morph and prettier stay external: only the commands that
// need them load them, lazily.
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const entries = { cli: "cli/main.ts", runtime: "runtime/index.ts", bench: "bench/main.ts", "prettier-plugin": "compiler/format/prettier-plugin.ts", lsp: "lsp/server.ts" };
const entryPoints = Object.fromEntries(
  Object.entries(entries).filter(([, file]) => existsSync(path.join(root, file))).map(([name, file]) => [name, path.join(root, file)]),
);

await build({
  entryPoints,
  outdir: path.join(root, "dist"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  external: ["typescript", "ts-morph", "prettier", "prettier/*", "bullmq", "ioredis", "js-yaml"],
  // the grammar skips Chevrotain's definition checks in the bundles (grammar/tokens.ts)
  define: { FLOWC_BUNDLE: "true" },
  // esbuild's ESM output needs a real `require` for CommonJS dependencies that call it.
  banner: { js: "import { createRequire as __flowcCreateRequire } from 'node:module'; const require = __flowcCreateRequire(import.meta.url);" },
  logLevel: "warning",
});

// --- flowc ui (issue 14) -----------------------------------------------------------------------
// The web app of `flowc ui`, for the browser: Preact, uPlot and dagre bundled with the page's code
// into dist/ui/app.js and its styles into dist/ui/app.css, so nothing is fetched from a CDN at run
// time. The server (ui/server.ts) is part of the CLI bundle, loaded only by `flowc ui`.
await build({
  entryPoints: { app: path.join(root, "ui/app/main.tsx") },
  outdir: path.join(root, "dist/ui"),
  bundle: true,
  platform: "browser",
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
await build({
  entryPoints: { app: path.join(root, "ui/app/style.css") },
  outdir: path.join(root, "dist/ui"),
  bundle: true,
  minify: true,
  logLevel: "warning",
});
