// The run commands off the happy path, as a user or CI job sees them: exit statuses when items
// fail (and --allow-failed), a FLOWC_HOME that is a file, stream names that are Object.prototype's,
// and a scan of everything a run leaves behind for planted secrets.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startFaultServer, outputsFor, type FaultServer } from "./helpers/fault-server";
import { spawn } from "node:child_process";
import { BIN, ROOT } from "./cli-spawn";
import { exactField, expectOneLineError, flowcAsync, flowcIn, runJson, tempHome } from "./run-helpers";

const work = mkdtempSync(path.join(tmpdir(), "flowc-run-faults-"));
function file(name: string, text: string): string {
  const at = path.join(work, name);
  writeFileSync(at, text);
  return at;
}

describe("exit statuses when items fail", () => {
  const flaky = file(
    "flaky.flow",
    `flow flaky {
  input docs: text[20]
  budget { cap 100 credits }
  node check = quality_check(docs) { cost 1 credits expect fail 30% }
  output check
}
`,
  );

  test("a completed run that lost items exits 1 and says which node failed how often; --allow-failed lets some through", () => {
    const home = tempHome();
    const run = flowcIn(home, ["run", flaky, "--seed", "4"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/· completed\n/);
    expect(run.stdout).toMatch(/failures:\n {2}check: simulated failure — (\d+) failed attempt\(s\); \1 call\(s\) given up\n/);
    expect(run.stdout).toMatch(/\n\d+ item\(s\) failed \(see the failures above; --allow-failed N or P% accepts some\)\n/);
    expect(flowcIn(home, ["run", flaky, "--seed", "4", "--allow-failed", "50%"]).status).toBe(0);
    expectOneLineError(flowcIn(home, ["run", flaky, "--allow-failed", "half"]), 2, /--allow-failed.*expected a number of items such as 3, or a percent/);
  });
});

describe("a FLOWC_HOME that is a file", () => {
  test("every command says so (exit 2), none says `no runs yet`", () => {
    const home = file("home-file", "x");
    const message = new RegExp(`flowc home ${home}: is a file, not a directory`);
    expectOneLineError(flowcIn(home, ["runs"]), 2, message);
    expectOneLineError(flowcIn(home, ["cache", "ls"]), 2, message);
    const run = flowcIn(home, ["run", "samples/sharp_drafts.flow", "--json"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error/);
  });
});

describe("stream names of Object.prototype", () => {
  test("`input __proto__` fed with --input __proto__=FILE runs with the file's items", () => {
    const flow = file("protos.flow", "flow protos {\n  input __proto__: text[5]\n  budget { cap 10 credits }\n  node constructor = tag(__proto__) { cost 1 credits }\n  output constructor\n}\n");
    const lines = file("lines.txt", "a\nb\nc\n");
    const run = flowcIn(tempHome(), ["run", flow, "--input", `__proto__=${lines}`]);
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^constructor +3 +3 +3 +3 +0 +0 +3 +100\.0%$/m);
  });
});

describe("secrets planted in the endpoints, the webhook and the notify command", () => {
  let server: FaultServer;
  const SECRETS = ["SEKRET-HEADER-1234567", "SEKRET-BEARER-7654321", "SEKRET-PASS-555", "SEKRET-QUERY-999", "SEKRET-HOOKPASS-1", "SEKRET-HOOKPATH-2", "SEKRET-CMD-3"];
  const hooks: string[] = [];

  beforeAll(async () => {
    server = await startFaultServer((seen, res) => {
      if (seen.path.startsWith("/hook/")) {
        hooks.push(JSON.stringify(seen));
        return void res.end();
      }
      // the first attempts fail with an error body that echoes what the provider was sent
      if (server.seen.filter((s) => !s.path.startsWith("/hook/")).length <= 2) {
        return void res.writeHead(500).end(JSON.stringify({ url: seen.path, key: seen.headers["x-api-key"], auth: seen.headers.authorization }));
      }
      res.end(outputsFor(seen));
    });
  });
  afterAll(async () => {
    await server.close();
  });

  function scan(root: string): string[] {
    const texts: string[] = [];
    for (const name of readdirSync(root)) {
      const at = path.join(root, name);
      if (statSync(at).isDirectory()) texts.push(...scan(at));
      else texts.push(`${at}\n${readFileSync(at, "utf8")}`);
    }
    return texts;
  }

  test("never reach the run's files, its output, the report or the notification", async () => {
    const home = tempHome();
    const port = new URL(server.url).port;
    const endpoints = file(
      "leaky-endpoints.json",
      JSON.stringify({ default: { url: `http://user:SEKRET-PASS-555@127.0.0.1:${port}/v1?key=SEKRET-QUERY-999`, headers: { "x-api-key": "SEKRET-HEADER-1234567", "x-extra": "Bearer SEKRET-BEARER-7654321" } } }),
    );
    const flow = file("leaky.flow", "flow leaky {\n  input docs: text[6]\n  budget { cap 20 credits }\n  node check = quality_check(docs) { cost 1 credits retry 1 }\n  output check\n}\n");
    const webhook = `http://hookuser:SEKRET-HOOKPASS-1@127.0.0.1:${port}/hook/SEKRET-HOOKPATH-2`;
    const notify = "sh -c 'cat >/dev/null; echo SEKRET-CMD-3 >&2; exit 3'";
    const run = await flowcAsync(home, ["run", flow, "--cap", "3", "--provider", "http", "--endpoints", endpoints, "--webhook", webhook, "--notify", notify]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("paused (budget)");
    const runId = /run (leaky-\S+)/.exec(run.stdout)![1]!;
    const report = await flowcAsync(home, ["report", runId, "--format", "json"]);
    const runs = await flowcAsync(home, ["runs"]);

    // the webhook was called (with its credentials as Basic auth) and the failures were recorded
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toContain('"authorization":"Basic ');
    expect(run.stderr).toMatch(/notifying command failed: exited with status 3/);
    expect(run.stderr).toMatch(/attempt 1 failed: HTTP 500: .*"key":"\*\*\*"/);
    const everything = [run.stdout, run.stderr, report.stdout, report.stderr, runs.stdout, hooks.map((h) => JSON.stringify(JSON.parse(h).body)).join("\n"), ...scan(home)].join("\n");
    for (const secret of SECRETS) expect(everything, secret).not.toContain(secret);
    expect(everything).toContain(`webhook http://hookuser:***@127.0.0.1:${port}/…`);
  });
});

describe("Ctrl-C during a run", () => {
  test("stops it as an AbortSignal does: calls in flight finish, the run pauses resumable, and resume ends it with the uninterrupted spend", async () => {
    const home = tempHome();
    const args = ["run", "samples/sharp_drafts.flow", "--seed", "3", "--latency", "40", "--json"];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: home, FORCE_COLOR: "0" } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const interrupted = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"call-done"') && !child.killed) {
          child.kill("SIGINT");
          resolve();
        }
      }),
    );
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    await interrupted;
    expect(stderr).toMatch(/SIGINT: stopping once the calls in flight finish/);
    expect(status).toBe(1);
    const report = JSON.parse(stdout.trimEnd().split("\n").pop()!).report;
    expect(report).toMatchObject({ status: "paused", reason: "aborted" });
    const resumed = runJson(home, ["resume", report.runId]);
    const whole = runJson(tempHome(), args.filter((a) => a !== "--json"));
    expect(resumed.report.status).toBe("completed");
    expect(exactField(resumed, "spent")).toBe(exactField(whole, "spent"));
  });
});
