// flowc.json and the lints through the CLI, spawned: the nearest flowc.json above a file applies
// (up to the folder holding .git), `--config FILE` replaces it, a bad one is bad usage (exit 2),
// and lint fixes come out in JSON.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { ROOT, flowc } from "./cli-spawn";

/** A repository with a flowc.json at its top and samples/upscale_first.flow two folders down. */
function repository(config: unknown): { root: string; flow: string } {
  const root = mkdtempSync(path.join(tmpdir(), "flowc-lints-cli-"));
  mkdirSync(path.join(root, ".git"));
  mkdirSync(path.join(root, "flows", "deferred"), { recursive: true });
  const flow = path.join("flows", "deferred", "upscale_first.flow");
  cpSync(path.join(ROOT, "samples", "upscale_first.flow"), path.join(root, flow));
  cpSync(path.join(ROOT, "samples", "campaign.flow"), path.join(root, "flows", "campaign.flow"));
  writeFileSync(path.join(root, "flowc.json"), typeof config === "string" ? config : JSON.stringify(config));
  return { root, flow };
}

const codesOf = (stdout: string) => (JSON.parse(stdout).diagnostics as { code: string; severity: string }[]).map((d) => `${d.code} ${d.severity}`);

describe("flowc.json", () => {
  test("without one, upscale_first gets FLOW401 and FLOW403 hints", () => {
    const run = flowc(["check", "samples/upscale_first.flow", "--format", "json"]);
    expect(run.status).toBe(0);
    expect(codesOf(run.stdout)).toEqual(["FLOW403 hint", "FLOW401 hint", "FLOW403 hint"]);
  });

  test("the nearest one above the file applies: a rule off, a severity raised", () => {
    const { root, flow } = repository({ rules: { FLOW403: "off", FLOW401: "error" } });
    const run = flowc(["check", flow, "--format", "json"], { cwd: root });
    expect(codesOf(run.stdout)).toEqual(["FLOW401 error"]);
    expect(run.status).toBe(1);
  });

  test("found from the file's folder, whatever the working directory", () => {
    const { root, flow } = repository({ rules: { FLOW403: "off", FLOW401: "off" } });
    const run = flowc(["check", path.join(root, flow), "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(codesOf(run.stdout)).toEqual([]);
  });

  test("an invalid one is bad usage, named as found", () => {
    const { root, flow } = repository({ rules: { FLOW403: "quiet" } });
    const run = flowc(["check", flow], { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('flowc: flowc.json: rules.FLOW403 must be one of "error", "warning", "hint", "off"\n');
    const cost = flowc(["cost", flow], { cwd: root });
    expect(cost.status).toBe(2);
    expect(cost.stderr).toContain("rules.FLOW403 must be one of");
  });

  test("--config FILE replaces the one found, for check and cost", () => {
    const { root, flow } = repository("{ not json");
    writeFileSync(path.join(root, "quiet.json"), JSON.stringify({ rules: { FLOW401: "off", FLOW403: "off", FLOW304: "off" } }));
    const check = flowc(["check", flow, "--config", "quiet.json", "--format", "json"], { cwd: root });
    expect(check.stderr).toBe("");
    expect(codesOf(check.stdout)).toEqual([]);
    const campaign = path.join("flows", "campaign.flow");
    expect(flowc(["cost", campaign], { cwd: root }).status).toBe(2);
    const cost = flowc(["cost", campaign, "--config", "quiet.json"], { cwd: root });
    expect(cost.status).toBe(0);
    expect(cost.stdout).toContain("warning FLOW301");
    expect(cost.stdout).not.toContain("FLOW304");
    expect(flowc(["cost", "samples/campaign.flow"]).stdout).toContain("hint FLOW304");
    const missing = flowc(["cost", flow, "--config", "nowhere.json"], { cwd: root });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("flowc: cannot read 'nowhere.json': no such file\n");
  });
});

describe("lint fixes in JSON", () => {
  test("FLOW401 carries its edits", () => {
    const run = flowc(["check", "samples/campaign.flow", "--format", "json"]);
    const lint = JSON.parse(run.stdout).diagnostics.find((d: { code: string }) => d.code === "FLOW401");
    expect(lint.fix.title).toBe("move 'full' after review 'approved'");
    expect(lint.fix.edits.map((e: { line: number; text: string }) => `${e.line} ${e.text}`)).toEqual(["38 approved", "45 direction", "49 full"]);
  });
});
