// The CLI's analysis commands start from a script compiled with V8's code cache: dist/cli.cjs (the
// same CLI as dist/cli.js, bundled as one script by scripts/build.mjs) and the bytecode V8 made of
// it while checking and pricing the samples at build time. Without the cache V8 compiles the
// bundle's code afresh on every start, a fifth of a small `flowc check`.
//
// Safe by construction: the cache's file name carries an id the build writes on the script's last
// line, so a rebuilt script never meets an old cache; V8 itself rejects a cache made by another
// version of V8 or with other flags (`cachedDataRejected`), and then compiles as usual. Nothing is
// written at run time.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";

/** `//# flowcBuild=ID`, the last line of dist/cli.cjs */
const BUILD_LINE = /\/\/# flowcBuild=([0-9a-f]+)\s*$/;

/** The cache file of a script whose text is `source`, or undefined when it has no build id. */
export function cacheFileOf(file, source) {
  const id = BUILD_LINE.exec(source.slice(-64))?.[1];
  return id === undefined ? undefined : path.join(path.dirname(file), `${path.basename(file, ".cjs")}.${id}.v8cache`);
}

/**
 * Compile the CommonJS script `file` with its code cache when there is one that fits. Returns the
 * compiled script (for `createCachedData`) and `run`, which executes it as a module would be.
 * Undefined when this Node cannot give the script `import()` (before 20.12).
 */
export function compileCached(file) {
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (importModuleDynamically === undefined || !existsSync(file)) return undefined;
  const source = readFileSync(file, "utf8");
  const cacheFile = cacheFileOf(file, source);
  const cachedData = cacheFile !== undefined && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData, importModuleDynamically });
  const run = () => {
    const module = { exports: {} };
    script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
  };
  return { script, cacheFile, run };
}
