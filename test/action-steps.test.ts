// The GitHub Action (action.yml), run the way a runner would run its steps: the `run:` scripts of
// the check and diff steps, with their `env:` expressions filled in, in a temporary git repository
// with two commits (a flow, then a price change); and the comment step's script against a fake
// GitHub client.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ROOT } from "./cli-spawn";

interface Step {
  id?: string;
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  "working-directory"?: string;
}

interface ActionYml {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: Step[] };
}

const action = yaml.load(readFileSync(path.join(ROOT, "action.yml"), "utf8")) as ActionYml;
const step = (id: string) => {
  const found = action.runs.steps.find((s) => s.id === id);
  if (!found) throw new Error(`action.yml has no step with id '${id}'`);
  return found;
};

function git(cwd: string, ...args: string[]): string {
  const run = spawnSync("git", ["-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "commit.gpgsign=false", ...args], { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`git ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim();
}

/** `${{ a.b.c }}` looked up in the context; the action uses plain property paths only. */
function expand(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expression: string) => {
    const value = expression.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], context);
    return value === undefined || value === null ? "" : String(value);
  });
}

/** key=value lines of a $GITHUB_OUTPUT file */
function outputs(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

let repo: string;
let temp: string;
let baseSha: string;

const campaign = readFileSync(path.join(ROOT, "samples/campaign.flow"), "utf8");

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), "flowc-action-repo-"));
  temp = mkdtempSync(path.join(tmpdir(), "flowc-action-runner-"));
  mkdirSync(path.join(repo, "flows"));
  git(repo, "init", "-q");
  writeFileSync(path.join(repo, "flows/campaign.flow"), campaign);
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "a flow");
  baseSha = git(repo, "rev-parse", "HEAD");
  // the change under review: flux_pro goes from 4 to 4.5 credits per megapixel
  writeFileSync(path.join(repo, "flows/campaign.flow"), campaign.replace("rate 4 credits per megapixel", "rate 4.5 credits per megapixel"));
  git(repo, "commit", "-q", "-a", "-m", "a dearer model");
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
});

/** Runs one step's script as the runner would: bash, its env expanded, fresh output files. */
function runStep(id: string, inputs: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string; outputs: Record<string, string>; summary: string } {
  const buildError = inject("flowcBuildError");
  if (buildError) throw new Error(buildError);
  const s = step(id);
  const defaults = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ""]));
  const github = { action_path: ROOT, token: "t", event: { pull_request: { number: 7, base: { sha: baseSha } } } };
  const context: Record<string, unknown> = { github, runner: { temp } };
  context.inputs = Object.fromEntries(Object.entries({ ...defaults, ...inputs }).map(([k, v]) => [k, expand(v, context)]));
  const outputFile = path.join(temp, `${id}.output`);
  const summaryFile = path.join(temp, `${id}.summary`);
  rmSync(outputFile, { force: true });
  rmSync(summaryFile, { force: true });
  const env = Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, expand(v, context)]));
  const run = spawnSync("bash", ["-e", "-c", s.run!], {
    cwd: s["working-directory"] ? expand(s["working-directory"], context) : repo,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, outputs: outputs(outputFile), summary: existsSync(summaryFile) ? readFileSync(summaryFile, "utf8") : "" };
}

describe("action.yml", () => {
  test("is a composite action that installs flowc from its own folder, with npm's cache, leaving the job's Node alone", () => {
    expect(action.runs.using).toBe("composite");
    // setup-node would put its Node on the PATH of every later step of the job
    expect(action.runs.steps.some((s) => s.uses?.startsWith("actions/setup-node@"))).toBe(false);
    const cache = action.runs.steps.find((s) => s.uses?.startsWith("actions/cache@"));
    expect(cache?.with).toMatchObject({ path: "~/.npm", key: expect.stringContaining("${{ steps.node.outputs.lock }}") });
    expect(step("install").run).toContain("npm ci --prefer-offline");
    expect(action.runs.steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))).toBe(true);
    expect(step("comment").uses).toMatch(/^actions\/github-script@/);
  });

  test("the Node check passes on Node 20 and keys the cache on the action's package-lock.json", () => {
    const run = runStep("node");
    expect(run.status).toBe(0);
    expect(run.outputs.lock).toMatch(/^[0-9a-f]{64}$/);
  });

  test("no script pastes an expression into its text (inputs reach scripts through env)", () => {
    for (const s of action.runs.steps.filter((s) => s.run)) expect(s.run, s.name).not.toContain("${{");
  });
});

describe("the check step", () => {
  test("writes SARIF for every flow under the path, and records check's status", () => {
    const run = runStep("check", { path: "flows" });
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe("0");
    const sarif = JSON.parse(readFileSync(run.outputs.sarif!, "utf8"));
    expect(sarif.version).toBe("2.1.0");
    const results = sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    // the dearer model takes the worst case further past the cap of 900
    expect(results.map((r) => r.ruleId)).toContain("FLOW301");
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("flows/campaign.flow");
    expect(run.stdout).toMatch(/^::warning file=flows\/campaign\.flow,line=\d+/m);
  });

  test("check-args reach flowc check: --deny-warnings makes its status 1", () => {
    const run = runStep("check", { path: "flows", "check-args": "--deny-warnings" });
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe("1");
  });
});

describe("the diff step", () => {
  test("writes the Markdown comment against the base commit, with the marker and the summary line", () => {
    const run = runStep("diff", { path: "flows" });
    expect(run.stderr).toBe("");
    expect(run.outputs.status).toBe("0");
    expect(run.outputs.changed).toBe("true");
    const markdown = readFileSync(run.outputs.markdown!, "utf8");
    expect(markdown.split("\n")[0]).toBe("<!-- flowc-diff -->");
    // full: 50 items × 2 attempts × 1.048576 MP × 0.5 more credits = 52.4288
    expect(markdown).toContain("### flowc: worst case +52.4288 credits (+5.8%), expected +17.825792 credits (+6.6%) across 1 flow");
    expect(markdown).toContain("| `campaign_portraits` | flows/campaign.flow | 902.2896 → 954.7184 | **+52.4288 (+5.8%)** |");
    expect(markdown).toContain("<details>");
    expect(run.summary).toBe(markdown);
  });

  test("--max-increase: past it the status is 1, within it 0", () => {
    expect(runStep("diff", { path: "flows", "max-increase": "5%" }).outputs.status).toBe("1");
    expect(runStep("diff", { path: "flows", "max-increase": "60" }).outputs.status).toBe("0");
  });

  test("against the head itself nothing changed: the markdown output is empty, changed=false", () => {
    const run = runStep("diff", { path: "flows", base: "HEAD" });
    expect(run.outputs).toMatchObject({ markdown: "", changed: "false", ran: "true", status: "0" });
  });
});

/** The comment step's script, run as github-script runs it: an async function of github, context, core, require. */
async function runCommentScript(markdown: string, existing: { id: number; body: string }[], options: { fork?: boolean; refuse?: number } = {}) {
  const file = path.join(temp, "comment.md");
  writeFileSync(file, markdown);
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const record = (method: string) => async (args: Record<string, unknown>) => {
    if (options.refuse) throw Object.assign(new Error("Resource not accessible by integration"), { status: options.refuse });
    calls.push({ method, args });
  };
  const github = {
    rest: { issues: { listComments: "listComments", updateComment: record("update"), createComment: record("create") } },
    paginate: async (endpoint: unknown, args: Record<string, unknown>) => {
      expect(endpoint).toBe("listComments");
      expect(args).toMatchObject({ owner: "acme", repo: "flows", issue_number: 7 });
      return existing;
    },
  };
  const head = { repo: { full_name: options.fork ? "someone/flows" : "acme/flows" } };
  const context = { repo: { owner: "acme", repo: "flows" }, issue: { number: 7 }, payload: { pull_request: { number: 7, head } } };
  const notices: string[] = [];
  const core = { notice: (message: string) => void notices.push(message) };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const script = new AsyncFunction("github", "context", "core", "require", "process", step("comment").with!.script!);
  await script(github, context, core, createRequire(import.meta.url), { env: { FLOWC_MARKDOWN: markdown === "" ? "" : file } });
  // the notices ride along, out of the way of toEqual on the calls
  return Object.defineProperty(calls, "notices", { value: notices, enumerable: false }) as typeof calls & { notices: string[] };
}

describe("the comment step", () => {
  const body = "<!-- flowc-diff -->\n### flowc: worst case +1 credits\n";

  test("creates the comment when there is none", async () => {
    const calls = await runCommentScript(body, [{ id: 1, body: "LGTM" }]);
    expect(calls).toEqual([{ method: "create", args: { owner: "acme", repo: "flows", issue_number: 7, body } }]);
  });

  test("updates the comment that carries the marker", async () => {
    const calls = await runCommentScript(body, [{ id: 1, body: "LGTM" }, { id: 2, body: "<!-- flowc-diff -->\nold figures" }]);
    expect(calls).toEqual([{ method: "update", args: { owner: "acme", repo: "flows", comment_id: 2, body } }]);
  });

  test("a pull request from a fork (read-only token): no comment, a notice, no failure", async () => {
    const calls = await runCommentScript(body, [], { fork: true });
    expect(calls).toEqual([]);
    expect(calls.notices).toEqual([expect.stringMatching(/from a fork/)]);
  });

  test("a refused write (403) is a notice, not a failure", async () => {
    const calls = await runCommentScript(body, [], { refuse: 403 });
    expect(calls.notices).toEqual([expect.stringMatching(/not posted \(403/)]);
  });

  test("the comment runs when the diff ran, changed or not; the markdown output empty when not", () => {
    expect(step("comment").if).toContain("steps.diff.outputs.ran == 'true'");
  });

  test("nothing changed: the old comment says so, and no new one is posted", async () => {
    expect(await runCommentScript("", [])).toEqual([]);
    const calls = await runCommentScript("", [{ id: 2, body: "<!-- flowc-diff -->\nold figures" }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args.body).toMatch(/^<!-- flowc-diff -->\n.*no change/);
  });
});
