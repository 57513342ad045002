// `--watch` as a user runs it: check and cost print again after a file they read changes — the
// flow, one of its imports, flowc.json — and run until killed.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, inject, test } from "vitest";
import { BIN } from "./cli-spawn";
import { tempDir } from "./diff-helpers";

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill();
});

/** `flowc ARGS` in `cwd`, kept running; `until(text)` waits for output (stdout and stderr together) to contain it. */
function watching(args: string[], cwd: string) {
  const buildError = inject("flowcBuildError");
  if (buildError) throw new Error(buildError);
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
  running.push(child);
  let output = "";
  const waiters: (() => void)[] = [];
  const heard = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on("data", heard);
  child.stderr!.on("data", heard);
  const until = (text: string, from = 0) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${text}' in:\n${output}`)), 15_000);
      const look = () => {
        const at = output.indexOf(text, from);
        if (at >= 0) {
          clearTimeout(timer);
          resolve(output.slice(from));
        } else waiters.push(look);
      };
      look();
    });
  return { until, length: () => output.length };
}

const FLOW = 'import "models.flow"\nflow w {\n  input a: text[2]\n  node n = generate(a) { model flux  resolution 1000x1000 }\n  output n\n}\n';

describe("--watch", () => {
  test("check runs again when an import changes", async () => {
    const dir = tempDir("watch");
    writeFileSync(path.join(dir, "models.flow"), "model flux { rate 1 credit per megapixel }\n");
    writeFileSync(path.join(dir, "w.flow"), FLOW);
    const run = watching(["check", "w.flow", "--watch"], dir);
    expect(await run.until("watching 2 files")).toMatch(/0 errors, 1 warning, 1 hint in 1 file/);
    const before = run.length();
    writeFileSync(path.join(dir, "models.flow"), "model flux { rate 1 credit per megapixel }\nmodel flux { rate 2 credits per megapixel }\n");
    const after = await run.until("watching", before);
    expect(after).toContain("error FLOW202");
  });

  test("cost runs again when flowc.json changes, and picks up a new flow in a folder it searched", async () => {
    const dir = tempDir("watch");
    mkdirSync(path.join(dir, "flows"));
    writeFileSync(path.join(dir, "flows/models.flow"), "model flux { rate 1 credit per megapixel }\n");
    writeFileSync(path.join(dir, "flows/w.flow"), FLOW);
    const run = watching(["cost", "flows/w.flow", "--watch"], dir);
    expect(await run.until("watching")).toContain("warning FLOW305");
    let from = run.length();
    writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ rules: { FLOW305: "off" } }));
    expect(await run.until("watching", from)).not.toContain("FLOW305");
    const folder = watching(["cost", "flows", "--watch"], dir);
    await folder.until("watching");
    from = folder.length();
    writeFileSync(path.join(dir, "flows/x.flow"), FLOW.replace("flow w", "flow x"));
    expect(await folder.until("watching", from)).toContain("total of 2 flows");
  });
});
