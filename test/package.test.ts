// flowc as a team installs it: `npm pack` (in a copy of the repository, so the build it runs
// through `prepack` leaves this worktree's dist/ alone), `npm i` of the tarball into an empty
// project with typescript and @types/node, then every user-facing piece against that install — the
// CLI, a compiled module under both module resolutions with the strictest flags, a `.js` module on
// plain node, examples/app, the language server, the Prettier plugin — and the one-line message of
// the Redis commands without their optional packages. Packing and installing happen once.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ROOT } from "./cli-spawn";

/** per test: each spawns tsc, npx or ts-morph, slow on a busy 2-core machine */
const SLOW = 180_000;
const STRICT = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true };
const NPM_QUIET = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

let work: string;
/** the project that installed the tarball */
let project: string;
/** what `npm pack --json` said it packed */
let packed: string[];

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

const flowc = (args: string[], cwd = project, env: NodeJS.ProcessEnv = {}) => run(path.join(project, "node_modules/.bin/flowc"), args, cwd, env);
const tsc = (config: string) => run(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", config, "--pretty", "false"], project);
const versionIn = (dir: string) => (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
const versionOf = (name: string) => versionIn(path.join(ROOT, "node_modules", name));

/** The repository as a clean clone has it (tracked and new, not ignored files), dependencies linked. */
function stageRepository(into: string): void {
  const files = ok(run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT), "git ls-files").split("\0").filter(Boolean);
  for (const file of files) if (existsSync(path.join(ROOT, file))) cpSync(path.join(ROOT, file), path.join(into, file), { recursive: true });
  symlinkSync(path.join(ROOT, "node_modules"), path.join(into, "node_modules"), "dir");
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "flowc-package-"));
  const stage = path.join(work, "stage");
  stageRepository(stage);
  const report = JSON.parse(ok(run("npm", ["pack", "--json", "--pack-destination", work, "--loglevel=error"], stage), "npm pack")) as { filename: string; files: { path: string }[] }[];
  packed = report[0]!.files.map((f) => f.path).sort();
  project = path.join(work, "project");
  mkdirSync(project);
  writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "flowc-user", private: true, type: "module" }, null, 2));
  const tarball = path.join(work, report[0]!.filename);
  ok(run("npm", ["install", tarball, `typescript@${versionOf("typescript")}`, `@types/node@${versionOf("@types/node")}`, ...NPM_QUIET], project), "npm install");
  cpSync(path.join(ROOT, "samples"), path.join(project, "samples"), { recursive: true });
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball", () => {
  test("holds bin/, the built dist/ (CLI, runtime, language server, Prettier plugin, web app, declarations), schemas/, README and LICENSE, and nothing else", () => {
    for (const file of ["bin/flowc.js", "dist/cli.js", "dist/runtime.js", "dist/runtime.d.ts", "dist/lsp.js", "dist/prettier-plugin.js", "dist/prettier-plugin.d.ts", "dist/ui/app.js", "dist/ui/app.css", "schemas/run-record.schema.json", "README.md", "LICENSE", "package.json"]) {
      expect(packed).toContain(file);
    }
    const outside = packed.filter((f) => !/^(bin|dist|schemas)\//.test(f) && !["README.md", "LICENSE", "package.json"].includes(f));
    expect(outside).toEqual([]);
    expect(packed.filter((f) => f.endsWith(".map") || f === "dist/bench.js" || f.startsWith("dist/bench-chunks/") || f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
  }, SLOW);

  test("the install brings flowc's runtime dependencies only: no Redis client, nothing the bundle holds", () => {
    const installed = readdirSync(path.join(project, "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(["flowc", "ts-morph", "prettier"]));
    for (const name of ["bullmq", "ioredis", "chevrotain", "ajv", "decimal.js", "commander", "vscode-languageserver", "proper-lockfile"]) expect(installed).not.toContain(name);
  }, SLOW);
});

describe("the installed CLI", () => {
  test("npx flowc --version, check, cost and compile work with nothing else installed", () => {
    const version = run("npx", ["--no-install", "flowc", "--version"], project);
    expect([version.status, version.stdout.trim()]).toEqual([0, versionIn(ROOT)]);
    const check = flowc(["check", "samples/sharp_drafts.flow", "--format", "json"]);
    expect(check.status).toBe(0);
    const cost = flowc(["cost", "samples/campaign.flow", "--format", "json"]);
    expect((JSON.parse(cost.stdout) as { worstCase: number }).worstCase).toBe(902.2896);
    expect(ok(flowc(["compile", "samples/split_batches.flow"]), "compile")).toContain('export const WORST_CASE = "35";');
  }, SLOW);

  test("flowc run keeps run state in .flowc/ at the project root, whatever the working directory", () => {
    const nested = path.join(project, "samples/models");
    ok(flowc(["run", "samples/split_batches.flow", "--json"]), "run from the root");
    ok(flowc(["run", "../split_batches.flow", "--json"], nested), "run from a subfolder");
    expect(existsSync(path.join(nested, ".flowc"))).toBe(false);
    const runs = JSON.parse(ok(flowc(["runs", "--format", "json"], nested), "runs")) as { runs: { flow: string; status: string }[] };
    expect(runs.runs.map((r) => `${r.flow} ${r.status}`)).toEqual(["split_batches completed", "split_batches completed"]);
  }, SLOW);

  test("--redis and flowc worker say in one line which packages to install", () => {
    for (const args of [["worker", "--redis", "redis://127.0.0.1:1"], ["run", "samples/split_batches.flow", "--redis", "redis://127.0.0.1:1", "--json"]]) {
      const refused = flowc(args);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toBe("flowc: --redis needs the packages bullmq and ioredis, which are not installed: npm i bullmq ioredis\n");
    }
  }, SLOW);

  test("the language server answers initialize", async () => {
    const child = spawn(path.join(project, "node_modules/.bin/flowc"), ["lsp", "--stdio"], { cwd: project });
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    let received = "";
    const answer = new Promise<string>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        received += chunk.toString();
        const start = received.indexOf("\r\n\r\n");
        const length = Number(/Content-Length: (\d+)/.exec(received)?.[1]);
        if (start >= 0 && received.length >= start + 4 + length) resolve(received.slice(start + 4, start + 4 + length));
      });
    });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    const result = JSON.parse(await answer) as { id: number; result: { capabilities: Record<string, unknown>; serverInfo: { name: string } } };
    child.kill();
    expect(result.id).toBe(1);
    expect(result.result.capabilities).toHaveProperty("hoverProvider");
    expect(result.result.serverInfo.name).toBe("flowc");
  }, SLOW);

  test("the Prettier plugin formats .flow files", () => {
    writeFileSync(path.join(project, "messy.flow"), "flow messy {\ninput   prompts: text[3]\n  node draft = generate(prompts) { cost 1 credit }\n    output draft\n}\n");
    const prettier = run(path.join(project, "node_modules/.bin/prettier"), ["--plugin", "flowc/prettier-plugin", "messy.flow"], project);
    expect(prettier.stderr).toBe("");
    const fmt = spawnSync(path.join(project, "node_modules/.bin/flowc"), ["fmt", "-"], { cwd: project, encoding: "utf8", input: readFileSync(path.join(project, "messy.flow"), "utf8") });
    expect(prettier.stdout).toBe(ok(fmt, "flowc fmt -"));
    expect(prettier.stdout).toContain("  input prompts: text[3]\n");
  }, SLOW);
});

describe("compiled modules as a library", () => {
  test("a compiled module type-checks under NodeNext and under Bundler with the strictest flags; an output's misspelt name does not", () => {
    // examples/app: NodeNext, --strict --exactOptionalPropertyTypes --noUncheckedIndexedAccess, built to dist/
    const app = builtApp();
    expect(app.errors).toBe("");
    writeFileSync(path.join(app.dir, "tsconfig.bundler.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { module: "ESNext", moduleResolution: "Bundler", noEmit: true, ...STRICT } }));
    expect(tsc(path.join(app.dir, "tsconfig.bundler.json")).stdout).toBe("");
  }, SLOW);

  test("compile -o X.js writes ESM JavaScript and X.d.ts; plain node runs it, and WORST_SCENARIO spends exactly WORST_CASE", () => {
    const dir = path.join(project, "js");
    mkdirSync(dir, { recursive: true });
    ok(flowc(["compile", "samples/product_clips.flow", "-o", "js/clips.js"]), "compile -o .js");
    expect(readFileSync(path.join(dir, "clips.d.ts"), "utf8")).toMatch(/export declare function run\(inputs\?: Inputs, options\?: RunOptions\): Promise<RunResult<Outputs>>;/);
    writeFileSync(
      path.join(dir, "worst.mjs"),
      [
        'import { WORST_CASE, WORST_SCENARIO, run } from "./clips.js";',
        'const result = await run({}, { home: ".flowc-js", scenario: WORST_SCENARIO, simulateHumans: true, cap: WORST_CASE });',
        "console.log(JSON.stringify({ status: result.status, spent: result.record.totals.spent, worstCase: WORST_CASE, clips: result.outputs.clip.length, mediaType: result.outputs.clip[0].mediaType }));",
      ].join("\n"),
    );
    const result = JSON.parse(ok(run(process.execPath, ["worst.mjs"], dir), "node worst.mjs")) as Record<string, unknown>;
    expect(result).toEqual({ status: "completed", spent: "216.576", worstCase: "216.576", clips: 10, mediaType: "video" });
    expect(existsSync(path.join(dir, ".flowc-js/runs"))).toBe(true);
  }, SLOW);

  test("examples/app runs on plain node: abort, resume, typed outputs, errors by code", () => {
    const app = builtApp();
    expect(app.errors).toBe("");
    const output = ok(run(process.execPath, ["dist/main.js"], app.dir), "node dist/main.js").split("\n");
    expect(output[0]).toMatch(/^campaign_portraits: paused \(aborted\) after \d+(\.\d+)? credits$/);
    expect(output.slice(1)).toEqual([
      "campaign_portraits: completed, spent 902.2896 of a worst case of 902.2896 credits",
      "outputs: 50 final images, 50 captions; first image final#0.v0 cost 17.13936 credits",
      "calls: captions 2, faces 50, final 50, full 50, previews 50, style_ref 1",
      "refused: alert-flag",
      "",
    ]);
    expect(readdirSync(path.join(app.dir, ".flowc/runs"))).toHaveLength(1);
  }, SLOW);
});

let app: { dir: string; errors: string } | undefined;

/**
 * examples/app copied into the project, samples/campaign.flow compiled into its src/flows/, a file
 * that reads a misspelt output (which must not compile), and tsc's errors building it (NodeNext).
 */
function builtApp(): { dir: string; errors: string } {
  if (app) return app;
  const dir = path.join(project, "app");
  cpSync(path.join(ROOT, "examples/app"), dir, { recursive: true, filter: (source) => !/[\\/](node_modules|dist|\.flowc|flows)$/.test(source) });
  ok(flowc(["compile", "../samples/campaign.flow", "-o", "src/flows/campaign.ts"], dir), "compile the app's flow");
  const typo = ['import { run } from "./flows/campaign.js";', "// @ts-expect-error no output is called finall", "export const typo = (await run()).outputs.finall;", ""];
  writeFileSync(path.join(dir, "src/outputs-typo.ts"), typo.join("\n"));
  app = { dir, errors: tsc(path.join(dir, "tsconfig.json")).stdout };
  return app;
}
