// The terminal review, fixed: prompts own the screen while open (the progress block never draws
// over a question or its choices), an invalid answer is answered with a word, a select decided
// out of order says what the run waits for, `resume --simulate-reviews` decides what is left, and
// the README's review example names ids a run of the sample really asks about.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createTtyRenderer, InteractiveDecider, type RunEvent } from "../runtime/index";
import { BIN, ROOT } from "./cli-spawn";
import { flowcIn, recordOf, tempHome } from "./run-helpers";

/** the progress block redrawing: cursor up, or clearing the screen below the cursor */
const REDRAW = /\x1b\[\d*[AJ]/;

function shotsIn(home: string, count: number): string {
  const dir = path.join(home, "shots");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(path.join(dir, `shot-${i}.png`), `photo ${i}`);
  return dir;
}

describe("prompts and the progress block, in-process", () => {
  it("a question holds the screen: nothing is drawn while it is open, and what happened meanwhile follows the answer", async () => {
    let screen = "";
    const stream = { write: (text: string) => void (screen += text) };
    const renderer = createTtyRenderer(stream, { intervalMs: 0 });
    const input = new PassThrough();
    const decider = new InteractiveDecider({ input, output: { write: (text: string) => stream.write(text) } as never, screen: renderer });
    const events: RunEvent[] = [
      { type: "run-start", runId: "r", flow: "f", spent: "0", resumed: false, nodes: ["previews", "full"] },
      { type: "node-start", node: "previews" },
    ];
    events.forEach(renderer);
    const variants = [0, 1, 2, 3].map((v) => ({ id: `previews#0.v${v}`, value: `sim:${v}`, metrics: { aesthetic: v / 4 } }));
    const answer = decider.select({ runId: "r", select: "direction", groupId: "previews#0", variants, pick: 1, cost: "1" });
    await new Promise((resolve) => setImmediate(resolve));
    const opened = screen.length;
    expect(screen).toContain("4) previews#0.v3");
    expect(screen.endsWith("empty to skip): ")).toBe(true);
    renderer({ type: "call-done", node: "previews", callId: "1", round: 0, items: 1, attempts: 1, credits: "1", cached: false, ok: true, spent: "2" });
    renderer({ type: "node-start", node: "full" });
    renderer({ type: "node-done", node: "previews" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.length).toBe(opened);
    input.write("7\n");
    input.write("2\n");
    expect(await answer).toEqual(["previews#0.v1"]);
    const after = screen.slice(opened);
    expect(after).toMatch(/^7?\n?please name exactly 1 of the 4 variants, by number \(1-4\) or id, or nothing to leave previews#0 waiting\n/);
    expect(after).toContain("✓ previews: 1 item(s), 1 call(s), 1 credits");
    expect(after).toContain("  full: 0 item(s)");
    decider.close();
  });

  it("an answer a review does not know is answered with what it takes", async () => {
    let output = "";
    const input = new PassThrough();
    const decider = new InteractiveDecider({ input, output: { write: (text: string) => void (output += text) } as never });
    const verdict = decider.review({ runId: "r", review: "approved", item: { id: "full#3.v1", value: "x", metrics: {} }, cost: "4", expectedApprove: "0.3" });
    input.write("maybe\ny\n");
    expect(await verdict).toBe("approve");
    expect(output).toContain("please answer y to approve full#3.v1, n to reject it, or s (or nothing) to leave it waiting\n");
    decider.close();
  });
});

describe("at a real terminal (a pseudo-terminal through script(1))", () => {
  it("every question is printed whole and stays whole; bad answers get a word", async () => {
    const home = tempHome();
    const shots = shotsIn(home, 4);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} run samples/campaign.flow --input shots=${JSON.stringify(shots)} --latency 40`;
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: ROOT, env: { ...process.env, FLOWC_HOME: home, TERM: "xterm" } });
    let screen = "";
    // selects: a wrong number first, then the second variant; reviews: a wrong word, then `d`
    const replies = { select: ["9", "2"], review: ["maybe", "d"] };
    let asked = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      const prompts = [...screen.matchAll(/keep which 1\?[^\n]*: |approve\? \[y\]es[^\n]*: /g)];
      // answered after a while, as a person would: the run goes on meanwhile (the kept previews'
      // full-quality calls), and the progress block must not draw over the open question
      for (; asked < prompts.length; asked++) {
        const kind = prompts[asked]![0].startsWith("keep") ? "select" : "review";
        const list = replies[kind];
        const reply = list.length > 1 ? list.shift() : list[0];
        setTimeout(() => child.stdin.write(`${reply}\n`), 250);
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(status, screen).toBe(0);
    const text = screen.replace(/\r/g, "");
    // from each question's title to its prompt: the choices, and no redraw of the progress block
    const questions = [...text.matchAll(/\nselect direction: keep 1 of 4 for (previews#\d+)[^]*?keep which 1\?[^\n]*/g)];
    expect(questions.length).toBeGreaterThanOrEqual(2);
    for (const q of questions) {
      for (const v of [0, 1, 2, 3]) expect(q[0]).toContain(`${v + 1}) ${q[1]}.v${v}`);
      expect(q[0]).not.toMatch(REDRAW);
    }
    expect(text).toContain("please name exactly 1 of the 4 variants, by number (1-4) or id, or nothing to leave previews#");
    expect(text).toMatch(/please answer y to approve full#\d+\.v\d, n to reject it/);
    expect(text).toMatch(/run \S+ completed/);
  });
});

describe("flowc review and resume", () => {
  it("a select decided out of order says what the run waits for; the pending list shows the decision", () => {
    const home = tempHome();
    const started = flowcIn(home, ["run", "samples/campaign.flow", "--input", `shots=${shotsIn(home, 8)}`, "--no-simulate-reviews"]);
    const runId = /run (\S+) awaiting-review/.exec(started.stderr)![1]!;
    const pending = recordOf(home, runId).pending;
    const third = pending[2]!;
    const reviewed = flowcIn(home, ["review", runId, "--approve", third.variants![1]!]);
    expect(reviewed.status).toBe(0);
    const [first, second] = [pending[0]!.itemId, pending[1]!.itemId];
    expect(reviewed.stdout).toContain(`recorded 1 decision(s) for run ${runId}\n1 of ${pending.length} pending decision(s) recorded, ${pending.length - 1} left; ${third.itemId} waits for ${first}, ${second} (direction passes items on in order)`);
    const listed = flowcIn(home, ["review", runId]);
    expect(listed.stdout).toContain(`run ${runId} awaits ${pending.length - 1} decision(s) (1 decided, applied on resume):`);
    expect(listed.stdout).toContain(`— decided: keep ${third.variants![1]}`);
    expect(listed.stdout).toContain(`${third.itemId} waits for ${first}, ${second}`);
  });

  it("`flowc resume RUN --simulate-reviews` decides what is left, whatever the run started with", () => {
    const home = tempHome();
    const started = flowcIn(home, ["run", "samples/campaign.flow", "--input", `shots=${shotsIn(home, 4)}`, "--no-simulate-reviews"]);
    expect(started.status).toBe(1);
    const runId = /run (\S+) awaiting-review/.exec(started.stderr)![1]!;
    const resumed = flowcIn(home, ["resume", runId, "--simulate-reviews"]);
    expect(resumed.stderr).toMatch(/completed/);
    expect(resumed.status).toBe(0);
    expect(recordOf(home, runId).status).toBe("completed");
  });

  it("the README's review example names items a seeded run of the sample asks about", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    const run = /npx flowc (run samples\/campaign\.flow [^\n#]*--no-simulate-reviews[^\n#]*)/.exec(readme);
    expect(run, "the README runs the sample so that it pauses for review").not.toBeNull();
    const reviews = [...readme.matchAll(/npx flowc review RUN (--(?:approve|reject) [^\n]+?)(?: {2,}#|\n)/g)].map((m) => m[1]!.trim());
    expect(reviews.length).toBeGreaterThanOrEqual(2);
    const home = tempHome();
    const started = flowcIn(home, run![1]!.trim().split(/\s+/));
    const runId = /run (\S+) awaiting-review/.exec(started.stderr)![1]!;
    for (const args of reviews) {
      const ids = args.split(/\s+/).filter((word) => !word.startsWith("--"));
      const pending = recordOf(home, runId).pending.flatMap((p) => (p.kind === "select" ? (p.variants ?? []) : [p.itemId]));
      for (const id of ids) expect(pending, `${id} in the README`).toContain(id);
      const reviewed = flowcIn(home, ["review", runId, ...args.split(/\s+/)]);
      expect(reviewed.status, reviewed.stderr).toBe(0);
      flowcIn(home, ["resume", runId]);
    }
  });
});
