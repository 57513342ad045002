// What check, cost, fmt, diff and compile are given, as eslint and prettier take it: files,
// folders, quoted globs, `-` for standard input (with --stdin-filepath), and nothing for the
// project; and check's --quiet, --max-warnings and SARIF invocation. In-process, on temporary
// folders.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { cli, sample, tempDir } from "./diff-helpers";
import { ROOT } from "./cli-spawn";

/** A folder of files from `path → text`. */
function tree(files: Record<string, string>): string {
  const dir = tempDir("inputs");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const CLEAN = `flow clean {
  input prompts: text[10] expect 8
  budget { cap 11 credits  alert 80% }
  model flux { rate 1 credit per megapixel }
  node draft = generate(prompts) { model flux  resolution 1000x1000 }
  review ok = draft by human { expect approve 50% }
  output ok
}
`;
const WARNS = "flow warns {\n  input a: text[2]\n  node n = generate(a) { cost 1 credit }\n  output n\n}\n";

/** The files `check --format json` checked. */
async function checkedFiles(args: string[], cwd: string): Promise<string[]> {
  const run = await cli(["check", ...args, "--format", "json"], cwd);
  return (JSON.parse(run.stdout) as { files: { file: string }[] }).files.map((f) => f.file);
}

describe("files, folders and globs", () => {
  test("a folder is its .flow files: `check samples/` checks every sample, and only that is said", async () => {
    const run = await cli(["check", "samples/"], ROOT);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/ in 10 files\n$/);
    expect(run.status).toBe(0);
  });

  test("a quoted glob is the files it matches, in code-point order, each once", async () => {
    expect(await checkedFiles(["samples/s*.flow", "samples/split_batches.flow"], ROOT)).toEqual(["samples/sharp_drafts.flow", "samples/split_batches.flow"]);
    expect(await checkedFiles(["samples/**/*.flow"], ROOT)).toContain("samples/models/studio.flow");
  });

  test("a folder, a glob or the project leaves out .gitignore'd files, node_modules and dot-folders; a named file is checked", async () => {
    const dir = tree({
      ".gitignore": "drafts/\n*.tmp.flow\n",
      "a.flow": WARNS,
      "flows/b.flow": WARNS,
      "flows/b.tmp.flow": WARNS,
      "drafts/c.flow": WARNS,
      "node_modules/pkg/d.flow": WARNS,
      ".cache/e.flow": WARNS,
      "flows/nested/.gitignore": "skip.flow\n",
      "flows/nested/skip.flow": WARNS,
      "flows/nested/keep.flow": WARNS,
    });
    mkdirSync(path.join(dir, ".git"));
    expect(await checkedFiles([], dir)).toEqual(["a.flow", "flows/b.flow", "flows/nested/keep.flow"]);
    expect(await checkedFiles(["flows"], dir)).toEqual(["flows/b.flow", "flows/nested/keep.flow"]);
    expect(await checkedFiles(["**/*.flow"], dir)).toEqual(["a.flow", "flows/b.flow", "flows/nested/keep.flow"]);
    expect(await checkedFiles(["drafts/c.flow", ".cache/*.flow"], dir)).toEqual(["drafts/c.flow", ".cache/e.flow"]);
  });

  test("a bare check checks the project: flowc.json's include minus exclude, from its folder", async () => {
    const dir = tree({
      "flowc.json": JSON.stringify({ include: ["flows/**/*.flow"], exclude: ["flows/archive/**"] }),
      "flows/a.flow": WARNS,
      "flows/archive/old.flow": WARNS,
      "other/b.flow": WARNS,
    });
    expect(await checkedFiles([], dir)).toEqual(["flows/a.flow"]);
    expect(await checkedFiles([], path.join(dir, "other"))).toEqual(["../flows/a.flow"]);
  });

  test("a folder or glob that holds no .flow file: one line, exit 2, and no 'no problems in 0 files'", async () => {
    const dir = tree({ "empty/readme.txt": "" });
    for (const arg of ["empty", "empty/*.flow"]) {
      const run = await cli(["check", arg], dir);
      expect(run).toMatchObject({ status: 2, stdout: "" });
      expect(run.stderr).toMatch(/^flowc: no (\.flow files in|files match) 'empty(\/\*\.flow)?'\n$/);
    }
  });
});

describe("standard input", () => {
  const dir = tree({
    "flows/models.flow": "model flux { rate 1 credit per megapixel }\n",
    "flows/flowc.json": JSON.stringify({ rules: { FLOW305: "off" } }),
  });
  const draft = 'import "models.flow"\nflow draft {\n  input a: text[2]\n  node n = generate(a) { model flux  resolution 1000x1000 }\n  output n\n}\n';

  test("check -: imports and flowc.json are found from --stdin-filepath, and diagnostics name it", async () => {
    // absolute: in-process, the compiler resolves imports against the process's folder, not `dir`
    const named = await cli(["check", "-", "--stdin-filepath", path.join(dir, "flows/draft.flow"), "--format", "json"], dir, draft);
    expect(named.status).toBe(0);
    const json = JSON.parse(named.stdout);
    expect(json.files).toMatchObject([{ file: "flows/draft.flow", status: "checked", worstCase: 2 }]);
    expect(json.diagnostics.map((d: { code: string }) => d.code)).not.toContain("FLOW305");
    const unnamed = await cli(["check", "-"], dir, draft);
    expect(unnamed.status).toBe(1);
    expect(unnamed.stdout).toMatch(/^<stdin>:1:8 - error FLOW102: cannot read import 'models\.flow'/);
  });

  test("cost -, fmt -, compile - and diff - NEW read standard input too", async () => {
    const cost = await cli(["cost", "-", "--stdin-filepath", path.join(dir, "flows/draft.flow")], dir, draft);
    expect(cost.stdout).toMatch(/^draft — worst case 2 credits, expected 2 credits/);
    expect((await cli(["fmt", "-"], dir, "flow  x {\n}\n")).stdout).toBe("flow x {}\n");
    const compiled = await cli(["compile", "-", "--stdin-filepath", path.join(dir, "flows/draft.flow")], dir, draft);
    expect(compiled.stdout).toContain("WORST_CASE");
    writeFileSync(path.join(dir, "flows/draft.flow"), draft);
    const diff = await cli(["diff", "-", "flows/draft.flow"], dir, draft.replace("1000x1000", "500x500"));
    expect(diff.stdout).toMatch(/^flowc: worst case \+1\.5 credits/);
  });
});

describe("cost of several flows", () => {
  test("a table each, then the flows' totals in a table, in text, Markdown and JSON", async () => {
    const files = ["samples/split_batches.flow", "samples/product_clips.flow"];
    const text = await cli(["cost", ...files], ROOT);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("split_batches — worst case 35 credits");
    expect(text.stdout).toContain("product_clips — worst case 216.576 credits");
    expect(text.stdout).toMatch(/total of 2 flows — worst case 251\.576 credits, expected 82\.5776 credits\n\nflow {11}file/);
    const markdown = await cli(["cost", ...files, "--format", "markdown"], ROOT);
    expect(markdown.stdout).toContain("| **total** |  | **251.576** | **82.5776** |");
    const json = JSON.parse((await cli(["cost", ...files, "--format", "json"], ROOT)).stdout);
    expect(json.flows.map((f: { flow: string }) => f.flow)).toEqual(["split_batches", "product_clips"]);
    expect(json.total).toEqual({ flows: 2, worstCase: 251.576, expected: 82.5776 });
  });

  test("--simulate prices one flow", async () => {
    const run = await cli(["cost", "samples/split_batches.flow", "samples/product_clips.flow", "--simulate", "10"], ROOT);
    expect(run).toMatchObject({ status: 2, stderr: "flowc: --simulate prices one flow: name one file\n" });
  });
});

describe("fmt and diff over folders and globs", () => {
  test("fmt folder/ rewrites its flows; fmt --check 'glob' lists the unformatted ones", async () => {
    const dir = tree({ "flows/a.flow": "flow  a {\n}\n", "flows/b.flow": "flow b {}\n" });
    expect(await cli(["fmt", "--check", "flows/*.flow"], dir)).toMatchObject({ status: 1, stdout: "flows/a.flow\n" });
    expect((await cli(["fmt", "flows"], dir)).status).toBe(0);
    expect(readFileSync(path.join(dir, "flows/a.flow"), "utf8")).toBe("flow a {}\n");
  });

  test("diff --base REF 'glob' compares the files it matches here and at the ref", async () => {
    const dir = tree({ "flows/a.flow": sample("split_batches"), "flows/b.flow": sample("product_clips"), "other.flow": sample("split_batches") });
    const git = (...args: string[]) => spawnSync("git", ["-c", "user.email=t@e", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "flows");
    writeFileSync(path.join(dir, "flows/a.flow"), sample("split_batches").replace("overhead 10 credits", "overhead 11 credits"));
    const run = await cli(["diff", "--base", "HEAD", "flows/*.flow"], dir);
    expect(run.stdout).toMatch(/^flowc: worst case \+3 credits \(\+1\.2%\), expected \+3 credits \(\+3\.6%\) across 2 flows/);
    expect((await cli(["diff", "--base", "HEAD", "nothing/*.flow"], dir)).stderr).toBe("flowc: no files match 'nothing/*.flow', here or in HEAD\n");
  });
});

describe("check's --quiet, --max-warnings and SARIF invocation", () => {
  const dir = tree({ "warns.flow": WARNS, "clean.flow": CLEAN });

  test("--quiet shows errors only; warnings still count for --max-warnings", async () => {
    const quiet = await cli(["check", "warns.flow", "--quiet"], dir);
    expect(quiet).toMatchObject({ status: 0, stdout: "0 errors in 1 file (--quiet: warnings and hints not shown)\n" });
    const json = JSON.parse((await cli(["check", "warns.flow", "--quiet", "--format", "json"], dir)).stdout);
    expect(json.diagnostics).toEqual([]);
    const limited = await cli(["check", "warns.flow", "--quiet", "--max-warnings", "0"], dir);
    expect(limited.status).toBe(1);
    expect(limited.stderr).toMatch(/^flowc: too many warnings: \d+, and --max-warnings allows 0\n$/);
  });

  test("--max-warnings N: at most N warnings pass, as eslint counts them", async () => {
    const warnings = JSON.parse((await cli(["check", "warns.flow", "--format", "json"], dir)).stdout).summary.warnings as number;
    expect(warnings).toBeGreaterThan(0);
    expect((await cli(["check", "warns.flow", "--max-warnings", String(warnings)], dir)).status).toBe(0);
    expect((await cli(["check", "warns.flow", "--max-warnings", String(warnings - 1)], dir)).status).toBe(1);
    expect((await cli(["check", "warns.flow", "--max-warnings", "-1"], dir)).status).toBe(2);
  });

  test("SARIF says when the check could not run, so code scanning keeps its alerts", async () => {
    const missing = await cli(["check", "missing.flow", "clean.flow", "--format", "sarif"], dir);
    expect(missing.status).toBe(2);
    expect(JSON.parse(missing.stdout).runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        exitCode: 2,
        exitCodeDescription: "cannot read 'missing.flow': no such file",
        toolExecutionNotifications: [{ level: "error", message: { text: "cannot read 'missing.flow': no such file" } }],
      },
    ]);
    const broken = tree({ "flowc.json": "{ nope", "a.flow": CLEAN });
    const config = JSON.parse((await cli(["check", "a.flow", "--format", "sarif"], broken)).stdout);
    expect(config.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2 });
    expect(config.runs[0].invocations[0].exitCodeDescription).toMatch(/^flowc\.json: not valid JSON/);
    const fine = JSON.parse((await cli(["check", "clean.flow", "--format", "sarif"], dir)).stdout);
    expect(fine.runs[0].invocations).toEqual([{ executionSuccessful: true, exitCode: 0 }]);
  });

  test("SARIF rules carry their documentation: fullDescription, help and a helpUri into docs/language.md", async () => {
    const sarif = JSON.parse((await cli(["check", "warns.flow", "--format", "sarif"], dir)).stdout);
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === "FLOW305");
    expect(rule.fullDescription.text).toBe("The flow has no budget block: nothing stops a run that spends the worst case.");
    expect(rule.helpUri).toMatch(/^https:\/\/\S+\/blob\/v\d+\.\d+\.\d+\/docs\/language\.md#flow305$/);
    expect(rule.help.markdown).toContain(`(${rule.helpUri})`);
  });
});
