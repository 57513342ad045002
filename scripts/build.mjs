// Bundles the CLI, the runtime, the language server, the Prettier plugin (and the benchmarks) with
// esbuild so that start-up does not pay for resolving hundreds of modules, into a clean dist/.
// TypeScript, ts-morph and prettier stay external: only the commands that need them load them,
// lazily; so do bullmq and ioredis, optional peer dependencies loaded only for --redis.
//
// `--declarations` (what `npm pack` runs, through `prepack`) also writes the declaration files a
// package needs: dist/runtime.d.ts (the `flowc/runtime` API; declarations marked @internal left
// out) and dist/prettier-plugin.d.ts, each one self-contained file (dts-bundle-generator), so a
// user's tsc reads no source of ours under any module resolution.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, "dist");
const entries = { cli: "cli/main.ts", runtime: "runtime/index.ts", "prettier-plugin": "compiler/format/prettier-plugin.ts", lsp: "lsp/server.ts" };
const declarations = { runtime: "runtime/index.ts", "prettier-plugin": "compiler/format/prettier-plugin.ts" };
const options = {
  outdir: dist,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external: ["typescript", "ts-morph", "prettier", "prettier/*", "bullmq", "ioredis", "js-yaml"],
  // the grammar skips Chevrotain's definition checks in the bundles (grammar/tokens.ts)
  define: { FLOWC_BUNDLE: "true" },
  // esbuild's ESM output needs a real `require` for CommonJS dependencies that call it.
  banner: { js: "import { createRequire as __flowcCreateRequire } from 'node:module'; const require = __flowcCreateRequire(import.meta.url);" },
  logLevel: "warning",
};

// chunk names change with their content: old ones would pile up (and be packed). The rest of
// dist/ has fixed names; the declaration files stay (npm pack runs `prepare` after `prepack`).
rmSync(path.join(dist, "chunks"), { recursive: true, force: true });
await build({ ...options, entryPoints: entryPoints(entries), splitting: true, chunkNames: "chunks/[name]-[hash]" });
// the analysis commands' script (see bin/code-cache.js), then the cache of its bytecode
await buildCachedCli();
// The benchmarks (`npm run bench`, not packed): dist/bench.js, with chunks of their own in
// dist/bench-chunks/ so that no chunk of the package is theirs alone. Split like the CLI, so that
// the Redis client and BullMQ load only when the Redis rows run: ioredis 6 subclasses String
// (`class VerbatimString extends String`), which leaves String.prototype with slow properties for
// the rest of the process, and every string method call slower; the in-process analysis rows,
// measured first, took 15% longer.
rmSync(path.join(dist, "bench-chunks"), { recursive: true, force: true });
await build({ ...options, entryPoints: entryPoints({ bench: "bench/main.ts" }), splitting: true, chunkNames: "bench-chunks/[name]-[hash]" });

/**
 * dist/cli.cjs: the CLI as one CommonJS script, its last line a fresh build id; then a process
 * checks and prices the samples with it and leaves V8's code cache of what ran in
 * dist/cli.ID.v8cache (scripts/train-code-cache.mjs). Caches of earlier builds are removed.
 */
async function buildCachedCli() {
  for (const name of readdirSync(dist)) if (/^cli\.[0-9a-f]+\.v8cache$/.test(name)) rmSync(path.join(dist, name));
  const id = randomBytes(8).toString("hex");
  await build({
    ...options,
    entryPoints: [path.join(root, entries.cli)],
    outfile: path.join(dist, "cli.cjs"),
    outdir: undefined,
    format: "cjs",
    sourcemap: false,
    // a script has no import.meta: its URL is the file's
    define: { ...options.define, "import.meta.url": "__flowcUrl" },
    banner: { js: "const __flowcUrl = require('node:url').pathToFileURL(__filename).href;" },
    footer: { js: `//# flowcBuild=${id}` },
    plugins: [onlyAnalysis()],
  });
  const trained = spawnSync(process.execPath, [path.join(root, "scripts/train-code-cache.mjs")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (trained.status !== 0) throw new Error(`scripts/train-code-cache.mjs exited with ${trained.status}`);
}

/**
 * What the commands bin/flowc.js starts from dist/cli.js load lazily (the runtime, the language
 * server, the web app's server) stays out of dist/cli.cjs: a module that throws takes its place.
 */
function onlyAnalysis() {
  return {
    name: "only-analysis",
    setup(build) {
      build.onResolve({ filter: /\/(runtime\/index|lsp\/server|ui\/server)$/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, namespace: "left-out" } : undefined));
      build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${args.path} is left out of dist/cli.cjs: bin/flowc.js starts the commands that load it from dist/cli.js`)});`,
        loader: "js",
      }));
    },
  };
}

function entryPoints(named) {
  return Object.fromEntries(Object.entries(named).filter(([, file]) => existsSync(path.join(root, file))).map(([name, file]) => [name, path.join(root, file)]));
}

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

if (process.argv.includes("--declarations")) writeDeclarations();

function writeDeclarations() {
  // a dev dependency, loaded only here: `npm ci` builds without it
  const { generateDtsBundle } = createRequire(import.meta.url)("dts-bundle-generator");
  const names = Object.keys(declarations);
  const texts = generateDtsBundle(
    names.map((name) => ({ filePath: path.join(root, declarations[name]), noCheck: true, output: { noBanner: true, exportReferencedTypes: false } })),
    { preferredConfigPath: path.join(root, "scripts/tsconfig.declarations.json") },
  );
  names.forEach((name, i) => writeFileSync(path.join(dist, `${name}.d.ts`), texts[i]));
}
