// `flowc init`: flowc.json, a starter flow that checks clean, a workflow with --ci github, and
// files that exist left alone unless --force. (The workflow is validated in test/ci-workflows.test.ts.)
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { cli, tempDir } from "./diff-helpers";
import { GITHUB_WORKFLOW, STARTER_FLOW } from "../cli/init-templates";

describe("flowc init", () => {
  test("writes flowc.json and a starter flow that the bare check passes without a single diagnostic", async () => {
    const dir = tempDir("init");
    const run = await cli(["init"], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wrote flowc\.json\nwrote flows\/starter\.flow\n\nnext:\n/);
    expect(JSON.parse(readFileSync(path.join(dir, "flowc.json"), "utf8"))).toMatchObject({ include: ["flows/**/*.flow"] });
    expect(existsSync(path.join(dir, ".github"))).toBe(false);
    const check = await cli(["check", "--deny-warnings"], dir);
    expect(check).toMatchObject({ status: 0, stdout: "no problems in 1 file\n", stderr: "" });
    expect((await cli(["fmt", "--check"], dir)).status).toBe(0);
    // a starter's alert flags the unusual run, not the usual one
    const cost = await cli(["cost", "flows/starter.flow"], dir);
    expect(cost.stdout).toContain("expected spend stays below it");
  });

  test("refuses to overwrite: nothing is written, exit 2; --force overwrites", async () => {
    const dir = tempDir("init");
    writeFileSync(path.join(dir, "flowc.json"), "{}\n");
    const refused = await cli(["init", "--ci", "github"], dir);
    expect(refused).toMatchObject({ status: 2, stdout: "", stderr: "flowc: flowc.json exists: nothing written (--force overwrites)\n" });
    expect(readFileSync(path.join(dir, "flowc.json"), "utf8")).toBe("{}\n");
    expect(existsSync(path.join(dir, "flows"))).toBe(false);
    const forced = await cli(["init", "--ci", "github", "--force"], dir);
    expect(forced.status).toBe(0);
    expect(readFileSync(path.join(dir, "flows/starter.flow"), "utf8")).toBe(STARTER_FLOW);
    expect(readFileSync(path.join(dir, ".github/workflows/flowc.yml"), "utf8")).toBe(GITHUB_WORKFLOW);
  });
});
