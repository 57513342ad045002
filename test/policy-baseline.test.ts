// `flowc check --write-baseline FILE` and `--baseline FILE`: adopt flowc (or a stricter policy) in
// a repository with findings, and fail only on what gets worse — a new diagnostic, or a worst case
// or expected spend above the snapshot (FLOW507, FLOW508).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { cli, sample, tempDir } from "./diff-helpers";

function project(): string {
  const dir = tempDir("baseline");
  mkdirSync(path.join(dir, ".git"));
  mkdirSync(path.join(dir, "flows"));
  writeFileSync(path.join(dir, "flows/campaign.flow"), sample("campaign"));
  writeFileSync(path.join(dir, "flows/drafts.flow"), sample("sharp_drafts"));
  // a policy the flows break today: the team adopts it with a baseline
  writeFileSync(path.join(dir, "flowc.json"), JSON.stringify({ policies: [{ files: "flows/*.flow", maxWorstCase: 250, requireBudget: true }] }));
  return dir;
}

const FILES = ["flows/campaign.flow", "flows/drafts.flow"];

async function adopt(dir: string) {
  const wrote = await cli(["check", ...FILES, "--write-baseline", "baseline.json"], dir);
  expect(wrote.status).toBe(0);
  return wrote;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  writeFileSync(target, change(readFileSync(target, "utf8")));
}

describe("--write-baseline", () => {
  test("writes each file's figures (exact, as strings) and diagnostics by code, declaration and message; exits 0 despite errors", async () => {
    const dir = project();
    const before = await cli(["check", ...FILES], dir);
    expect(before.status).toBe(1);
    const wrote = await adopt(dir);
    expect(wrote.stderr).toMatch(/^flowc: wrote the baseline baseline\.json: \d+ diagnostic\(s\) in 2 file\(s\)/);
    const doc = JSON.parse(readFileSync(path.join(dir, "baseline.json"), "utf8"));
    expect(doc.flowcBaseline).toBe(1);
    expect(Object.keys(doc.files)).toEqual(["flows/campaign.flow", "flows/drafts.flow"]);
    expect(doc.files["flows/campaign.flow"]).toMatchObject({ flow: "campaign_portraits", worstCase: "902.2896", expected: "272.0257216" });
    expect(doc.files["flows/drafts.flow"].diagnostics).toContainEqual({ code: "FLOW504", node: "sharp_drafts", message: "no budget block: flowc.json requires one with cap (requireBudget)" });
  });
});

describe("--baseline", () => {
  test("nothing worse: exit 0, the known diagnostics are not shown", async () => {
    const dir = project();
    await adopt(dir);
    const run = await cli(["check", ...FILES, "--baseline", "baseline.json"], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^no problems in 2 files\n\d+ known diagnostics not shown: the baseline baseline\.json holds them\n$/);
  });

  test("lines moved by an edit above them do not make their diagnostics new", async () => {
    const dir = project();
    await adopt(dir);
    edit(dir, "flows/drafts.flow", (t) => `// a comment\n\n// and another\n${t}`);
    expect((await cli(["check", ...FILES, "--baseline", "baseline.json"], dir)).status).toBe(0);
  });

  test("a new diagnostic fails, and only it is shown", async () => {
    const dir = project();
    await adopt(dir);
    edit(dir, "flows/campaign.flow", (t) => t.replace("alert 75%", "alert 100%"));
    const run = await cli(["check", ...FILES, "--baseline", "baseline.json", "--format", "json"], dir);
    const codes = JSON.parse(run.stdout).diagnostics.map((d: { code: string }) => d.code);
    // the alert at the cap is new; FLOW501 and FLOW301 are in the baseline
    expect(codes).toEqual(["FLOW306"]);
    expect(run.status).toBe(0);
    expect((await cli(["check", ...FILES, "--baseline", "baseline.json", "--deny-warnings"], dir)).status).toBe(1);
  });

  test("a dearer model: FLOW507 and FLOW508 for figures above the snapshot, and nothing else", async () => {
    const dir = project();
    await adopt(dir);
    edit(dir, "flows/drafts.flow", (t) => t.replace("rate 4 credits per megapixel", "rate 4.5 credits per megapixel"));
    const run = await cli(["check", ...FILES, "--baseline", "baseline.json", "--format", "json"], dir);
    expect(run.status).toBe(1);
    const found = JSON.parse(run.stdout).diagnostics.map((d: { code: string; message: string }) => `${d.code} ${d.message}`);
    // 60 drafts of 1.048576 MP at 4.5 credits, and 60 checks at 0.05
    expect(found).toEqual([
      "FLOW507 worst case 286.11552 credits is 31.45728 above the baseline's 254.65824",
      "FLOW508 expected spend 132.5668576 credits is 14.5752064 above the baseline's 117.9916512",
    ]);
  });

  test("a cheaper model is no regression", async () => {
    const dir = project();
    await adopt(dir);
    edit(dir, "flows/drafts.flow", (t) => t.replace("rate 4 credits per megapixel", "rate 3 credits per megapixel"));
    const run = await cli(["check", ...FILES, "--baseline", "baseline.json", "--format", "json"], dir);
    // FLOW501 and FLOW403 now name other figures: the same findings, known
    expect(JSON.parse(run.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual([]);
    expect(run.status).toBe(0);
  });

  test("a file the baseline does not know keeps all its diagnostics", async () => {
    const dir = project();
    await adopt(dir);
    writeFileSync(path.join(dir, "flows/new.flow"), sample("sharp_drafts"));
    const run = await cli(["check", ...FILES, "flows/new.flow", "--baseline", "baseline.json", "--format", "json"], dir);
    expect(run.status).toBe(1);
    const files = new Set(JSON.parse(run.stdout).diagnostics.map((d: { file: string }) => d.file));
    expect([...files]).toEqual(["flows/new.flow"]);
  });

  test("keys are paths from the baseline's folder: it works from a subfolder", async () => {
    const dir = project();
    await adopt(dir);
    const run = await cli(["check", "campaign.flow", "drafts.flow", "--baseline", "../baseline.json"], path.join(dir, "flows"));
    expect(run.status).toBe(0);
  });

  test.each([
    ["missing.json", /cannot read the baseline 'missing\.json': no such file/],
    ["broken.json", /the baseline broken\.json is not valid JSON/],
    ["wrong.json", /the baseline wrong\.json: .*flowcBaseline/],
  ])("an unusable baseline (%s) is bad usage: exit 2", async (file, message) => {
    const dir = project();
    writeFileSync(path.join(dir, "broken.json"), "{");
    writeFileSync(path.join(dir, "wrong.json"), JSON.stringify({ files: {} }));
    const run = await cli(["check", ...FILES, "--baseline", file], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test("--baseline with --write-baseline is bad usage", async () => {
    const dir = project();
    const run = await cli(["check", ...FILES, "--baseline", "a.json", "--write-baseline", "b.json"], dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/do not go together/);
  });
});
