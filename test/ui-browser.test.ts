// `flowc ui` in a real browser: Debian's chromium driven by playwright-core (never a downloaded
// browser), one browser for the whole file. A paused run of samples/campaign.flow is decided on
// the page — selects, then reviews, by click and by key — and resumed from it; the same decisions
// through `flowc review` and `flowc resume` on a copy of the run must leave the same record. Every
// page is checked for script errors and serious accessibility violations (axe-core), and saved
// as a screenshot under test-results/ui/.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUi, type UiServer } from "../ui/server";
import { ROOT } from "./cli-spawn";
import { flowcIn, recordOf } from "./run-helpers";
import { CHROMIUM, normalisedRecord, SHOTS } from "./helpers/ui";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let home: string;
let copy: string;
let runId: string;
let server: UiServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const log: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), "flowc-ui-"));
  // twelve photos rather than the forty synthesised: enough groups and reviews, quick to click through
  const shots = path.join(home, "shots");
  mkdirSync(shots);
  for (let i = 0; i < 12; i++) writeFileSync(path.join(shots, `shot-${String(i).padStart(2, "0")}.png`), `photo ${i}`);
  const started = flowcIn(home, ["run", "samples/campaign.flow", "--input", `shots=${shots}`, "--no-simulate-reviews", "--seed", "3"]);
  expect(started.status, started.stderr).toBe(1);
  runId = /run (\S+) awaiting-review/.exec(started.stderr)![1]!;
  copy = mkdtempSync(path.join(tmpdir(), "flowc-ui-copy-"));
  cpSync(home, copy, { recursive: true });
  server = await startUi({ home, cwd: ROOT, paths: [path.join(ROOT, "samples")], assets: path.join(ROOT, "dist/ui"), log: (line) => log.push(line) });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(server.url);
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const dir of [home, copy]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens a route, waits for its heading, checks accessibility and saves a screenshot. */
async function visit(route: string, heading: string | RegExp, shot: string): Promise<void> {
  await page.goto(`${server.origin}/#${route}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
  await page.waitForLoadState("networkidle");
  await checked(shot);
}

async function checked(shot: string): Promise<void> {
  // axe-core evaluated in the page (over the devtools protocol, so the page's CSP does not stop it)
  await page.evaluate(AXE);
  const serious = await page.evaluate<string[]>(`axe.run(document).then((result) => result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")))`);
  expect(serious, `axe on ${shot}`).toEqual([]);
  expect(problems, `script errors on ${shot}`).toEqual([]);
  await page.waitForFunction(PICTURES_LOADED);
  await page.screenshot({ path: path.join(SHOTS, `${shot}.png`) });
}

/** the pictures in view have loaded (a screenshot of half-loaded pictures shows nothing) */
const PICTURES_LOADED = "[...document.images].filter((i) => i.getBoundingClientRect().top < window.innerHeight).every((i) => i.complete && i.naturalWidth > 0)";

const button = (name: string) => page.getByRole("button", { name, exact: true });

/**
 * Clicks the button named `name` (or, with `key`, focuses the card and presses the key) and waits
 * until the page shows the decision. The accessible name is checked by role on every fifth
 * decision; the rest find the button by its text, which is quicker on a page of 140 pictures.
 */
async function decide(name: string, index: number, via?: { selector: string; key: string }): Promise<void> {
  const quick = page.locator(`button:text-is(${JSON.stringify(name)})`);
  if (via) {
    await page.locator(via.selector).focus();
    await page.keyboard.press(via.key);
  } else {
    await (index % 5 === 0 ? button(name) : quick).click();
  }
  await page.locator(`button[aria-pressed="true"]:text-is(${JSON.stringify(name)})`).waitFor();
}

async function waitForStatus(status: string): Promise<void> {
  await page.locator(`.status-${status}`).first().waitFor({ timeout: 30_000 });
}

describe("flowc ui in chromium", () => {
  it("decides a paused run's selects and reviews on the page, as `flowc review` does", async () => {
    const selects = recordOf(home, runId).pending;
    expect(selects.length).toBeGreaterThanOrEqual(6);
    await visit("/runs", "Runs", "runs");
    await page.getByRole("link", { name: runId }).click();
    await page.getByRole("heading", { level: 1, name: `Run ${runId}` }).waitFor();
    await checked("run");
    await page.getByRole("link", { name: "Review and select" }).click();
    await page.getByRole("heading", { level: 1, name: `Reviews of ${runId}` }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("img", { name: selects[0]!.variants![0]!, exact: true }).count()).toBe(1);
    await checked("reviews");
    await button(`Enlarge ${selects[0]!.variants![1]!}`).click();
    await page.getByRole("dialog", { name: selects[0]!.variants![1]! }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });

    const kept: Record<string, string[]> = {};
    for (const [i, p] of selects.entries()) {
      const variant = p.variants![i % 4]!;
      kept[p.itemId] = [variant];
      await decide(`Keep ${variant}`, i, i % 5 === 1 ? { selector: `[data-group="${p.itemId}"]`, key: String((i % 4) + 1) } : undefined);
    }
    await page.getByText("Every decision is recorded").waitFor();
    await button("Resume").click();
    await page.getByRole("heading", { name: "Review approved" }).waitFor({ timeout: 30_000 });
    await waitForStatus("awaiting-review");

    const reviews = recordOf(home, runId).pending;
    expect(reviews.every((p) => p.kind === "review" && p.stream === "approved")).toBe(true);
    expect(reviews.length).toBe(selects.length);
    const verdicts: Record<string, "approve" | "reject"> = {};
    for (const [i, p] of reviews.entries()) {
      const verdict = i % 3 === 0 ? "approve" : "reject";
      verdicts[p.itemId] = verdict;
      const name = `${verdict === "approve" ? "Approve" : "Reject"} ${p.itemId}`;
      await decide(name, i, i % 4 === 2 ? { selector: `[data-item="${p.itemId}"][role="group"]`, key: verdict === "approve" ? "a" : "r" } : undefined);
    }
    await checked("reviews-decided");
    await button("Resume").click();
    await waitForStatus("completed");

    // the same decisions through the command line, on a copy of the paused run
    const cli = (args: string[]) => flowcIn(copy, args);
    expect(cli(["review", runId, "--approve", ...Object.values(kept).flat()]).status).toBe(0);
    expect(cli(["resume", runId]).status).toBe(1);
    const approve = Object.keys(verdicts).filter((id) => verdicts[id] === "approve");
    const reject = Object.keys(verdicts).filter((id) => verdicts[id] === "reject");
    expect(cli(["review", runId, "--approve", ...approve, "--reject", ...reject]).status).toBe(0);
    expect(cli(["resume", runId]).status).toBe(0);

    const onPage = JSON.parse(readFileSync(path.join(home, "runs", runId, "record.json"), "utf8"));
    const atTerminal = JSON.parse(readFileSync(path.join(copy, "runs", runId, "record.json"), "utf8"));
    expect(onPage.status).toBe("completed");
    expect(normalisedRecord(onPage)).toEqual(normalisedRecord(atTerminal));
    const decisions = (dir: string) => JSON.parse(readFileSync(path.join(dir, "runs", runId, "decisions.json"), "utf8"));
    expect(decisions(home)).toEqual(decisions(copy));
  });

  it("shows the run's spend, a flow's graph with its witness, and clears the cache", async () => {
    await visit(`/runs/${encodeURIComponent(runId)}`, `Run ${runId}`, "run-completed");
    expect(await page.getByRole("img", { name: /^Spend over time/ }).count()).toBe(1);
    await page.getByRole("link", { name: "campaign_portraits" }).click();
    await page.getByRole("heading", { level: 1, name: /Flow campaign_portraits/ }).waitFor();
    await page.getByRole("button", { name: "Show the witness" }).click();
    await page.getByRole("table", { name: "Gates and reviews, per round" }).waitFor();
    expect(await page.getByText("FLOW301").count()).toBe(1);
    expect(await page.locator(".gnode.top").count()).toBe(2);
    await checked("flow");

    await visit("/cache", "Cache", "cache");
    await button("Clear node style_ref of campaign_portraits").click();
    await page.getByText("Removed 1 entry of campaign_portraits / style_ref.").waitFor();
    expect(problems).toEqual([]);
  });

  it("reads well on a narrow window", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await visit("/runs", "Runs", "runs-narrow");
    await page.getByLabel("Status").selectOption("paused");
    await page.getByText("0 of 1 runs").waitFor();
    await page.getByLabel("Status").selectOption("completed");
    await page.getByText("1 of 1 runs").waitFor();
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
