// Where the CLI keeps run state: `.flowc/` at the project's root — the folder of the nearest
// flowc.json, else of the nearest package.json or .git — found from the flow file (from the
// working directory for commands without one), so runs of one project share history, alerts and
// the cache from any folder; $FLOWC_HOME still wins.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { projectRoot, type ConfigDisk } from "../compiler/config";
import { flowc } from "./cli-spawn";

/** A file system of the given files (and the folders that hold them). */
function disk(files: string[]): ConfigDisk {
  const all = new Set(files);
  const folders = new Set(files.flatMap((f) => ancestors(f)));
  return { isFile: (f) => all.has(f), exists: (f) => all.has(f) || folders.has(f) };
}

function ancestors(file: string): string[] {
  const found: string[] = [];
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) found.push(dir);
  return found;
}

describe("projectRoot", () => {
  test("the folder of the nearest flowc.json wins over a nearer package.json", () => {
    expect(projectRoot("/repo/packages/a/flows", disk(["/repo/flowc.json", "/repo/packages/a/package.json", "/repo/.git"]))).toBe("/repo");
  });

  test("else the nearest package.json, else the nearest .git", () => {
    expect(projectRoot("/repo/packages/a/flows", disk(["/repo/packages/a/package.json", "/repo/.git"]))).toBe("/repo/packages/a");
    expect(projectRoot("/repo/flows/deep", disk(["/repo/.git", "/repo/flows/deep/x.flow"]))).toBe("/repo");
  });

  test("flowc.json is not looked for above the repository's top, as for settings", () => {
    expect(projectRoot("/outer/repo/flows", disk(["/outer/flowc.json", "/outer/repo/.git"]))).toBe("/outer/repo");
  });

  test("outside any project: none", () => {
    expect(projectRoot("/tmp/somewhere", disk(["/tmp/somewhere/a.flow"]))).toBeUndefined();
  });
});

const ALERTING = `flow alerting {
  input prompts: text[4]
  budget { cap 10 credits  alert 2 credits }
  node draft = generate(prompts) { cost 1 credit }
  output draft
}
`;

describe("the CLI's run state", () => {
  test("runs from two folders of one project share history and alerts, in .flowc/ at its root", () => {
    const project = mkdtempSync(path.join(tmpdir(), "flowc-project-"));
    writeFileSync(path.join(project, "flowc.json"), "{}\n");
    mkdirSync(path.join(project, "flows/nested"), { recursive: true });
    writeFileSync(path.join(project, "flows/alerting.flow"), ALERTING);
    const env = { FLOWC_HOME: "" };
    const first = flowc(["run", "flows/alerting.flow", "--json"], { cwd: project, env });
    expect(first.status).toBe(0);
    const refused = flowc(["run", "../alerting.flow", "--json"], { cwd: path.join(project, "flows/nested"), env });
    expect([refused.status, refused.stderr]).toEqual([1, expect.stringMatching(/^flowc: flow alerting has an unacknowledged spend alert on run \S+: acknowledge it with `flowc ack \S+` or start with --ack\n$/)]);
    const runs = JSON.parse(flowc(["runs", "--format", "json"], { cwd: path.join(project, "flows"), env }).stdout) as { runs: unknown[] };
    expect(runs.runs).toHaveLength(1);
    expect(readdirSync(path.join(project, ".flowc/runs"))).toHaveLength(1);
    expect(existsSync(path.join(project, "flows/.flowc")) || existsSync(path.join(project, "flows/nested/.flowc"))).toBe(false);
  });

  test("$FLOWC_HOME still wins", () => {
    const project = mkdtempSync(path.join(tmpdir(), "flowc-project-"));
    const home = mkdtempSync(path.join(tmpdir(), "flowc-home-"));
    writeFileSync(path.join(project, "package.json"), "{}\n");
    writeFileSync(path.join(project, "alerting.flow"), ALERTING);
    expect(flowc(["run", "alerting.flow", "--json"], { cwd: project, env: { FLOWC_HOME: home } }).status).toBe(0);
    expect(readdirSync(path.join(home, "runs"))).toHaveLength(1);
    expect(existsSync(path.join(project, ".flowc"))).toBe(false);
  });
});
