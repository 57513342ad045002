// `flowc run --scenario worst` through the built CLI: every sample spends exactly its static worst
// case; campaign's worst case passes its cap, so the run pauses there and `resume --cap` finishes it;
// its alert then holds the next run until `flowc ack`.
import { describe, expect, test } from "vitest";
import { formatExact } from "../syntax/credits";
import { SAMPLES, analyzeSample } from "./codegen-helpers";
import { exactField, expectOneLineError, flowcIn, runJson, tempHome } from "./run-helpers";

describe("campaign: the worst case passes the cap", () => {
  const home = tempHome();
  let runId = "";

  test("a worst-scenario run pauses at the cap of 900 (exit 1, status paused, reason budget)", () => {
    const run = runJson(home, ["run", "samples/campaign.flow", "--scenario", "worst", "--simulate-reviews"]);
    expect(run.status).toBe(1);
    expect(run.report).toMatchObject({ status: "paused", reason: "budget" });
    const spent = Number(exactField(run, "spent"));
    expect(spent).toBeLessThanOrEqual(900);
    expect(spent).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/paused at its budget/);
    runId = run.report.runId;
  });

  test("`flowc resume RUN --cap 1000` completes it with exactly 902.2896 spent", () => {
    const run = runJson(home, ["resume", runId, "--cap", "1000"]);
    expect(run.status).toBe(0);
    expect(run.report.status).toBe("completed");
    expect(exactField(run, "spent")).toBe("902.2896");
    expect(exactField(run, "worstCase")).toBe("902.2896");
  });

  test("the run crossed its alert: the next run is refused until `flowc ack`", () => {
    const refused = flowcIn(home, ["run", "samples/campaign.flow"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`flowc ack ${runId}`);
    expect(refused.stdout).not.toMatch(/^run .* completed/m);
    const ack = flowcIn(home, ["ack", runId]);
    expect(ack.status).toBe(0);
    expect(ack.stdout).toContain(`acknowledged the alert of run ${runId}`);
    expect(flowcIn(home, ["run", "samples/campaign.flow", "--json"]).status).toBe(0);
  });

  test("`flowc runs` lists both runs; `flowc report` shows the resumed one", () => {
    const runs = flowcIn(home, ["runs"]);
    expect(runs.status).toBe(0);
    expect(runs.stdout).toMatch(new RegExp(`^${runId}\\s+campaign_portraits\\s+completed\\s+902\\.2896\\s+902\\.2896\\s+1000\\s+acknowledged`, "m"));
    expect(runs.stdout.trim().split("\n")).toHaveLength(3);
    const report = flowcIn(home, ["report", runId, "--format", "markdown"]);
    expect(report.status).toBe(0);
    expect(report.stdout).toContain("| full | 50 | 100 |");
  });
});

describe("every other sample: a worst-scenario run spends exactly the static worst case", () => {
  test.each(SAMPLES.filter((f) => f !== "samples/campaign.flow"))("%s", (file) => {
    const worst = formatExact(analyzeSample(file).cost!.worstCase);
    const run = runJson(tempHome(), ["run", file, "--scenario", "worst", "--simulate-reviews", "--cap", worst]);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(0);
    expect(run.report.status).toBe("completed");
    expect(exactField(run, "spent")).toBe(worst);
  });
});

describe("the README's quick start", () => {
  test("`flowc run samples/campaign.flow` without a terminal: cost table, progress, simulated reviews, report", () => {
    const run = flowcIn(tempHome(), ["run", "samples/campaign.flow"]);
    expect([0, 1]).toContain(run.status);
    expect(run.stdout).toMatch(/^campaign_portraits — worst case 902\.2896 credits, expected 272\.0257216 credits$/m);
    expect(run.stdout).toMatch(/^run campaign_portraits-\S+ · flow campaign_portraits · (completed|paused)/m);
    expect(run.stdout).toMatch(/^top two: /m);
    expect(run.stderr).toMatch(/^flowc: no terminal and no --decisions: the simulated provider decides reviews/m);
    expect(run.stderr).toMatch(/^full: started$/m);
  });

  test("--no-simulate-reviews pauses for `flowc review` instead (exit 1, awaiting-review)", () => {
    const run = runJson(tempHome(), ["run", "samples/campaign.flow", "--no-simulate-reviews"]);
    expect(run.status).toBe(1);
    expect(run.report.status).toBe("awaiting-review");
    expect(run.stderr).not.toMatch(/simulated provider decides/);
  });

  test("the help says what the exit statuses mean", () => {
    const help = flowcIn(tempHome(), ["run", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit status: 0 the run completed and no item failed \(or no more than --allow-failed\); 1 it paused/);
    expect(help.stdout).toContain("--no-simulate-reviews");
  });
});

describe("nothing is spent on a flow that cannot run", () => {
  test("errors: shown as `flowc check` shows them, exit 1, no run recorded", () => {
    const home = tempHome();
    const run = flowcIn(home, ["run", "test/cli-fixtures/broken.flow"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/ - error FLOW\d{3}: /);
    expect(run.stderr).toMatch(/has errors: it cannot be compiled or run/);
    expect(flowcIn(home, ["runs"]).stdout).toMatch(/^no runs yet/);
  });

  test("an unknown input name or an unreadable input path: exit 2, no run recorded", () => {
    const home = tempHome();
    expectOneLineError(flowcIn(home, ["run", "samples/campaign.flow", "--input", "shot=x.png"]), 2, /the flow has no input 'shot' \(its inputs: shots, style\)/);
    expectOneLineError(flowcIn(home, ["run", "samples/campaign.flow", "--input", "style=/nonexistent/style.png"]), 2, /input style/);
    expect(flowcIn(home, ["runs"]).stdout).toMatch(/^no runs yet/);
  });
});
