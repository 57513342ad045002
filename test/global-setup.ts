// Builds dist/ once per test run, for the tests that spawn `node bin/flowc.js`. A failed build
// does not stop the other tests: it is handed to the CLI tests, which fail with its message.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** why `node scripts/build.mjs` failed; empty when it succeeded */
    flowcBuildError: string;
  }
}

export default function setup(project: TestProject): void {
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const build = spawnSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, encoding: "utf8" });
  const failed = build.status !== 0;
  project.provide("flowcBuildError", failed ? `node scripts/build.mjs failed (status ${build.status}):\n${build.stderr}${build.stdout}` : "");
}
