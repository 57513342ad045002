// The analysis commands start from dist/cli.cjs compiled with V8's code cache (bin/code-cache.js):
// they must print exactly what the ES modules print, use a cache only when it fits, and run
// without one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { FIXTURES, ROOT, flowc } from "./cli-spawn";

const LOADER = path.join(ROOT, "bin/code-cache.js");

/** Run an ES module snippet that has `compileCached` and `cacheFileOf`; its stdout. */
function withLoader(code: string): string {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", `import { compileCached, cacheFileOf } from ${JSON.stringify(LOADER)};\n${code}`], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  return run.stdout;
}

describe("the code-cached CLI", () => {
  test.each([
    [["check", `${FIXTURES}/campaign_portraits.flow`, `${FIXTURES}/broken.flow`]],
    [["check", `${FIXTURES}/campaign_portraits.flow`, "--format", "json"]],
    [["cost", `${FIXTURES}/campaign_portraits.flow`, "--explain"]],
    [["check", "no-such-file.flow"]],
  ])("flowc %j prints what the ES modules print", (args) => {
    const cached = flowc(args);
    const modules = flowc(args, { env: { FLOWC_NO_CODE_CACHE: "1" } });
    expect(cached).toEqual(modules);
    expect(cached.stdout + cached.stderr).not.toBe("");
  });

  test("the build leaves a cache of dist/cli.cjs that this Node accepts", () => {
    expect(flowc(["--version"]).status).toBe(0);
    const out = withLoader(`const c = compileCached(${JSON.stringify(path.join(ROOT, "dist/cli.cjs"))}); console.log(c.cacheFile !== undefined, c.script.cachedDataRejected);`);
    expect(out).toBe("true false\n");
  });

  test("a cache that does not fit is rejected, and the script runs all the same", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "flowc-code-cache-"));
    const script = path.join(dir, "t.cjs");
    writeFileSync(script, "process.stdout.write(String(6 * 7) + ' ');\n//# flowcBuild=abc123");
    writeFileSync(path.join(dir, "t.abc123.v8cache"), "not a cache");
    const file = JSON.stringify(script);
    expect(withLoader(`const c = compileCached(${file}); c.run(); console.log(c.script.cachedDataRejected);`)).toBe("42 true\n");
    // a cache V8 made of this very script is taken
    withLoader(`import { writeFileSync } from "node:fs"; const c = compileCached(${file}); c.run(); writeFileSync(c.cacheFile, c.script.createCachedData());`);
    expect(withLoader(`const c = compileCached(${file}); c.run(); console.log(c.script.cachedDataRejected);`)).toBe("42 false\n");
    // a rebuilt script has another id, so it never reads the old cache
    expect(withLoader(`console.log(cacheFileOf(${file}, "x\\n//# flowcBuild=abc124") !== cacheFileOf(${file}, "x\\n//# flowcBuild=abc123"), cacheFileOf(${file}, "no id"));`)).toBe("true undefined\n");
  });
});
