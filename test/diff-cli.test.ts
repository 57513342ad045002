// `flowc diff` on the command line: two files, two folders matched by relative path, `--base REF`
// read from git (imports too), the Markdown comment, `--only-if-changed`, `--max-increase` and the
// exit statuses.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ROOT } from "./cli-spawn";
import { cli, fixture, sample, tempDir } from "./diff-helpers";

const campaign = fixture("campaign_portraits");
const dearer = campaign.replace("rate 4 credits per megapixel", "rate 4.5 credits per megapixel");

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

describe("two files", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir("diff");
    write(dir, { "old.flow": campaign, "new.flow": dearer, "same.flow": campaign });
  });

  test("text: the summary line, the flow's figures, the node that moved", async () => {
    const run = await cli(["diff", "old.flow", "new.flow"], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^flowc: worst case \+52\.4288 credits \(\+5\.8%\), expected \+17\.825792 credits \(\+6\.6%\) across 1 flow\n/);
    expect(run.stdout).toMatch(/\n {2}worst case +902\.2896 → 954\.7184 +\+52\.4288 \(\+5\.8%\)\n/);
    expect(run.stdout).toMatch(/\n {2}full +generate +419\.4304 → 471\.8592 +\+52\.4288 \(\+12\.5%\)/);
  });

  test("a decrease is written with a minus sign", async () => {
    const run = await cli(["diff", "new.flow", "old.flow"], dir);
    expect(run.stdout).toMatch(/^flowc: worst case -52\.4288 credits \(-5\.5%\), expected -17\.825792 credits/);
  });

  test("JSON: exact figures as numbers, every node, the summary", async () => {
    const run = await cli(["diff", "old.flow", "new.flow", "--format", "json"], dir);
    const value = JSON.parse(run.stdout);
    expect(value.changed).toBe(true);
    expect(run.stdout).toContain('"change": 52.4288,');
    expect(value.flows[0]).toMatchObject({ path: "new.flow", flow: "campaign_portraits", status: "changed", worstCase: { before: 902.2896, after: 954.7184, change: 52.4288 } });
    expect(value.flows[0].nodes).toHaveLength(6);
    expect(value.totals).toMatchObject({ flows: 1, changed: 1 });
  });

  test("--only-if-changed prints nothing when nothing changed, in every format", async () => {
    for (const format of ["text", "json", "markdown"]) {
      const run = await cli(["diff", "old.flow", "same.flow", "--only-if-changed", "--format", format], dir);
      expect(run).toEqual({ status: 0, stdout: "", stderr: "" });
    }
    expect((await cli(["diff", "old.flow", "same.flow"], dir)).stdout).toBe("flowc: no change in credits across 1 flow\n");
  });

  test("--max-increase: past it exit 1 with a line on stderr per figure; within it 0", async () => {
    const past = await cli(["diff", "old.flow", "new.flow", "--max-increase", "5%"], dir);
    expect(past.status).toBe(1);
    expect(past.stderr).toBe(
      "flowc: campaign_portraits (new.flow): worst case +52.4288 credits (+5.8%): past --max-increase 5%\n" +
        "flowc: campaign_portraits (new.flow): expected +17.825792 credits (+6.6%): past --max-increase 5%\n",
    );
    expect(past.stdout).toContain("past --max-increase 5%:");
    expect((await cli(["diff", "old.flow", "new.flow", "--max-increase", "52.4288"], dir)).status).toBe(0);
    expect((await cli(["diff", "old.flow", "new.flow", "--max-increase", "52.4"], dir)).status).toBe(1);
  });

  test.each([
    [["diff", "old.flow"], /expected OLD and NEW/],
    [["diff", "old.flow", "missing.flow"], /cannot read 'missing\.flow'/],
    [["diff", "old.flow", "."], /must both be files or both be folders/],
    [["diff", "old.flow", "new.flow", "--max-increase", "ten"], /expected credits such as 50 or a percentage/],
  ])("bad usage %j: exit 2", async (args, message) => {
    const run = await cli(args, dir);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describe("the Markdown comment", () => {
  test("marker, summary heading, a table sorted by the size of the change, details folded", async () => {
    const dir = tempDir("diff");
    write(dir, {
      "before/a/campaign.flow": campaign,
      "before/drafts.flow": fixture("sharp_drafts"),
      "before/clips.flow": fixture("product_clips"),
      "after/a/campaign.flow": dearer,
      "after/drafts.flow": fixture("sharp_drafts").replace("cost 0.05 credits", "cost 0.04 credits"),
      "after/clips.flow": fixture("product_clips"),
      "after/split.flow": fixture("split_batches"),
    });
    const run = await cli(["diff", "before", "after", "--format", "markdown"], dir);
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("<!-- flowc-diff -->");
    expect(lines[1]).toBe("### flowc: worst case +86.8288 credits (+6.3%), expected +52.547792 credits (+12.0%) across 4 flows (1 added)");
    const rows = lines.slice(0, lines.indexOf("<details>")).filter((l) => l.startsWith("| `"));
    expect(rows.map((r) => r.split(" | ")[0])).toEqual(["| `campaign_portraits`", "| `split_batches` (added)", "| `sharp_drafts`"]);
    expect(rows[2]).toContain("| 254.65824 → 254.05824 | **-0.6 (-0.2%)** |");
    expect(run.stdout).toContain("_1 flow unchanged._");
    expect(run.stdout.match(/<details>/g)).toHaveLength(3);
    expect(run.stdout).toContain("<summary><code>campaign_portraits</code> (a/campaign.flow): 1 node changed, 3 diagnostics with new figures</summary>");
  });
});

describe("--base REF in a git repository", () => {
  let repo: string;
  beforeAll(() => {
    repo = tempDir("diff-git");
    git(repo, "init", "-q");
    write(repo, {
      "flows/campaign.flow": campaign,
      "flows/gone.flow": fixture("split_batches"),
      "flows/catalogue.flow": sample("product_catalogue"),
      "flows/models/studio.flow": readFileSync(path.join(ROOT, "samples/models/studio.flow"), "utf8"),
      "flowc.json": JSON.stringify({ policies: [{ files: "flows/*.flow", maxWorstCase: 950 }] }),
    });
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "flows");
    // the change under review: a dearer model, a flow removed, one added, a shared price raised
    write(repo, { "flows/campaign.flow": dearer, "flows/drafts.flow": fixture("sharp_drafts") });
    rmSync(path.join(repo, "flows/gone.flow"));
    const studio = path.join(repo, "flows/models/studio.flow");
    writeFileSync(studio, readFileSync(studio, "utf8").replace("rate 0.02 credits per megapixel  overhead 0.2", "rate 0.03 credits per megapixel  overhead 0.2"));
  });

  test("the working tree against HEAD: changed, added and removed flows, imports read at the ref", async () => {
    const run = await cli(["diff", "--base", "HEAD", "flows", "--format", "json"], repo);
    const value = JSON.parse(run.stdout);
    const status = Object.fromEntries(value.flows.map((f: { path: string; status: string }) => [f.path, f.status]));
    expect(status).toEqual({ "flows/campaign.flow": "changed", "flows/drafts.flow": "added", "flows/gone.flow": "removed", "flows/catalogue.flow": "changed" });
    const catalogue = value.flows.find((f: { path: string }) => f.path === "flows/catalogue.flow");
    expect(catalogue.worstCase).toMatchObject({ before: 129.908864, after: 163.463296 });
  });

  test("a new policy error fails the diff (exit 1) and is named on stderr", async () => {
    const run = await cli(["diff", "--base", "HEAD", "flows/campaign.flow"], repo);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("flowc: new policy error: error FLOW501 in campaign_portraits: worst case 954.7184 credits exceeds the limit of 950 credits set in flowc.json (maxWorstCase)\n");
  });

  test("from a subfolder, paths relative to it", async () => {
    const run = await cli(["diff", "--base", "HEAD", "catalogue.flow", "--format", "json"], path.join(repo, "flows"));
    expect(JSON.parse(run.stdout).flows.map((f: { path: string }) => f.path)).toEqual(["catalogue.flow"]);
  });

  test("a clean checkout against its own commit: nothing changed", async () => {
    const clean = tempDir("diff-git");
    git(clean, "init", "-q");
    write(clean, { "flows/campaign.flow": campaign });
    git(clean, "add", ".");
    git(clean, "commit", "-q", "-m", "one flow");
    const run = await cli(["diff", "--base", "HEAD", "flows", "--only-if-changed"], clean);
    expect(run).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  test.each([
    [["diff", "--base", "no-such-ref", "flows"], /'no-such-ref' is not a commit in this repository/],
    [["diff", "--base", "HEAD", "nowhere"], /cannot read 'nowhere': no such file or folder, here or in HEAD/],
  ])("%j: exit 2", async (args, message) => {
    const run = await cli(args, repo);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
