// The `flowc ui` server's refusals, over plain HTTP: no token, a foreign Host, a change without
// the page's CSRF header or from another origin, an item file outside the run's folder. And the
// command itself: its one line with the address, 401 without the token, a clean Ctrl-C, --open.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRun } from "../runtime/index";
import { startUi, type UiServer } from "../ui/server";
import { BIN, ROOT, flowc } from "./cli-spawn";
import { campaign, uncapped } from "./helpers/runtime-graphs";

let home: string;
let runId: string;
let server: UiServer;
let csrf: string;
let port: number;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path: pathname, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const auth = () => ({ authorization: `Bearer ${server.token}` });
const change = (extra: Record<string, string> = {}) => ({ ...auth(), "content-type": "application/json", "x-flowc-csrf": csrf, origin: server.origin, ...extra });

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), "flowc-ui-server-"));
  const run = await startRun(uncapped(campaign()), { home, seed: 4, notify: { stderr: false }, collectOutputs: false });
  expect(run.status).toBe("awaiting-review");
  runId = run.runId;
  server = await startUi({ home, cwd: ROOT, paths: [path.join(ROOT, "samples")], assets: path.join(ROOT, "dist/ui") });
  port = Number(new URL(server.origin).port);
  const page = await call("GET", "/", auth());
  csrf = /name="flowc-csrf" content="([^"]+)"/.exec(page.body)![1]!;
});

afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe("the token", () => {
  it("every page, asset and API call without it (or with a wrong one) answers 401", async () => {
    for (const target of ["/", "/assets/app.js", "/api/runs", `/api/runs/${runId}`, "/api/cache", "/api/flows"]) {
      expect((await call("GET", target)).status, target).toBe(401);
      expect((await call("GET", target, { authorization: "Bearer nope" })).status, target).toBe(401);
    }
    expect((await call("POST", `/api/runs/${runId}/ack`, { "content-type": "application/json", "x-flowc-csrf": csrf })).status).toBe(401);
  });

  it("opens with ?token=, which becomes an HttpOnly SameSite=Strict cookie and leaves the address", async () => {
    const first = await call("GET", `/?token=${server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe("/");
    const cookie = String(first.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await call("GET", "/", { cookie: cookie.split(";")[0]! });
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
  });

  it("answers only to its own host names (no DNS rebinding)", async () => {
    expect((await call("GET", "/api/runs", { ...auth(), host: `attacker.example:${port}` })).status).toBe(421);
    expect((await call("GET", "/api/runs", { ...auth(), host: `localhost:${port}` })).status).toBe(200);
  });
});

describe("changes", () => {
  const decide = (headers: Record<string, string>) => call("POST", `/api/runs/${runId}/decisions`, headers, JSON.stringify({ selects: {} }));

  it("are refused without the CSRF header, from another origin or site, or not as JSON", async () => {
    const { "x-flowc-csrf": _, ...withoutCsrf } = change();
    expect((await decide(withoutCsrf)).status).toBe(403);
    expect((await decide(change({ "x-flowc-csrf": "forged" }))).status).toBe(403);
    expect((await decide(change({ origin: "http://attacker.example" }))).status).toBe(403);
    expect((await decide(change({ "sec-fetch-site": "cross-site" }))).status).toBe(403);
    expect((await decide(change({ "content-type": "text/plain" }))).status).toBe(403);
    const ok = await decide(change());
    expect(ok.status, ok.body).toBe(200);
  });

  it("record decisions as `flowc review` does, and refuse what the runtime refuses", async () => {
    const view = JSON.parse((await call("GET", `/api/runs/${runId}`, auth())).body);
    const group = view.pending[0];
    const bad = await call("POST", `/api/runs/${runId}/decisions`, change(), JSON.stringify({ selects: { direction: { [group.itemId]: ["nope"] } } }));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/not among the variants/);
    const good = await call("POST", `/api/runs/${runId}/decisions`, change(), JSON.stringify({ selects: { direction: { [group.itemId]: [group.items[2].id] } } }));
    expect(JSON.parse(good.body).pending[0].decision).toEqual([group.items[2].id]);
    expect((await call("POST", "/api/runs/no-such-run/decisions", change(), "{}")).status).toBe(404);
    expect((await call("POST", `/api/runs/${runId}/resume`, change(), JSON.stringify({ cap: "lots" }))).status).toBe(400);
  });
});

describe("acknowledging and resuming", () => {
  it("acknowledges a crossed alert as `flowc ack`, and resumes a budget pause with a new cap", async () => {
    const graph = { ...campaign(), budget: { cap: "30", alert: "10", strict: false } };
    const paused = await startRun(graph, { home, seed: 1, simulateHumans: true, notify: { stderr: false }, collectOutputs: false });
    expect(paused.status).toBe("paused");
    expect(paused.record.flagged).toBe(true);
    const runs = JSON.parse((await call("GET", "/api/runs", auth())).body).runs as { runId: string; flagged: boolean; acknowledged: boolean }[];
    expect(runs.find((r) => r.runId === paused.runId)).toMatchObject({ flagged: true, acknowledged: false });
    const acked = await call("POST", `/api/runs/${paused.runId}/ack`, change(), "{}");
    expect(JSON.parse(acked.body)).toMatchObject({ flagged: true, acknowledged: true });

    const started = await call("POST", `/api/runs/${paused.runId}/resume`, change(), JSON.stringify({ cap: "2000" }));
    expect(started.status).toBe(202);
    let view: { status: string; resuming: boolean; cap: string };
    do {
      await new Promise((resolve) => setTimeout(resolve, 50));
      view = JSON.parse((await call("GET", `/api/runs/${paused.runId}`, auth())).body);
    } while (view.resuming);
    expect(view).toMatchObject({ status: "completed", cap: "2000" });
  });
});

describe("item files", () => {
  it("are served from inside the run's folder and nowhere else", async () => {
    const view = JSON.parse((await call("GET", `/api/runs/${runId}`, auth())).body);
    const picture = view.pending[0].items[0].media.src as string;
    expect(picture).toMatch(/^\/api\/runs\/[^/]+\/files\/items\/previews-\d+\.v0\.svg$/);
    const served = await call("GET", picture, auth());
    expect(served.status).toBe(200);
    expect(served.headers["content-type"]).toBe("image/svg+xml");
    expect(served.body).toContain(view.pending[0].items[0].id);

    const folder = path.join(home, "runs", runId);
    writeFileSync(path.join(home, "secret.png"), "not yours");
    mkdirSync(path.join(folder, "items"), { recursive: true });
    symlinkSync(path.join(home, "secret.png"), path.join(folder, "items", "escape.png"));
    const files = `/api/runs/${runId}/files`;
    for (const target of [`${files}/../../secret.png`, `${files}/..%2F..%2Fsecret.png`, `${files}/%2E%2E/%2E%2E/secret.png`, `${files}/items/escape.png`, `${files}/record.json`, `${files}/%2Fetc%2Fpasswd`, `/api/runs/..%2F..%2Fsecret.png/files/x.png`]) {
      const answer = await call("GET", target, auth());
      expect(answer.status, target).toBe(404);
      expect(answer.body).not.toContain("not yours");
    }
  });
});

describe("flowc ui", () => {
  it("a port that is taken is bad usage, said in one line", () => {
    const run = flowc(["ui", "--port", String(port)], { env: { FLOWC_HOME: home } });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`flowc: cannot listen on 127.0.0.1:${port}: the port is taken\n`);
  });

  it("prints its address, needs the token, and stops cleanly on Ctrl-C; --open hands the address to $BROWSER", async () => {
    const seen = path.join(home, "opened.txt");
    const opener = path.join(home, "opener.sh");
    writeFileSync(opener, `#!/bin/sh\necho "$1" > ${JSON.stringify(seen)}\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [BIN, "ui", "samples", "--open"], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: home, BROWSER: opener } });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("\n")) resolve(stdout.split("\n")[0]!);
      });
      child.on("exit", () => reject(new Error(`flowc ui exited: ${stderr}`)));
    });
    expect(line).toMatch(/^flowc ui: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
    const url = new URL(line.slice("flowc ui: ".length));
    expect((await fetch(new URL("/api/runs", url))).status).toBe(401);
    const runs = await fetch(new URL("/api/runs", url), { headers: { authorization: `Bearer ${url.searchParams.get("token")}` } });
    expect(((await runs.json()) as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toContain(runId);
    await expect.poll(() => import("node:fs").then((fs) => (fs.existsSync(seen) ? fs.readFileSync(seen, "utf8").trim() : "")), { timeout: 5000 }).toBe(url.href);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stderr).toBe("flowc ui: stopping\n");
  });
});
