// Spawning the built CLI (`node bin/flowc.js`) the way a user or a CI job does, and golden files.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { expect, inject } from "vitest";

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const BIN = path.join(ROOT, "bin/flowc.js");
export const FIXTURES = "test/cli-fixtures";
export const ESCAPE = "\u001b[";

export interface FlowcRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a plain, piped run: nothing that would turn colour on or off. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["FORCE_COLOR", "NO_COLOR", "CI", "NODE_OPTIONS", "FLOWC_DEBUG"]) delete env[name];
  return env;
}

export function flowc(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; nodeArgs?: string[] } = {}): FlowcRun {
  const buildError = inject("flowcBuildError");
  if (buildError) throw new Error(buildError);
  const run = spawnSync(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...baseEnv(), ...options.env },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Compare with test/golden/NAME; `UPDATE_EXPECT=1` writes the file instead. */
export function expectGolden(name: string, actual: string): void {
  const file = path.join(ROOT, "test/golden", name);
  if (process.env.UPDATE_EXPECT === "1") {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file test/golden/${name}: run with UPDATE_EXPECT=1 and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}
