// Regenerates the screenshots of docs/ui.md (docs/ui/*.png): a few runs of samples/campaign.flow
// in a temporary FLOWC_HOME — one completed, one paused awaiting review — then `flowc ui samples`,
// and every page in Debian's chromium (FLOWC_CHROMIUM names another) at 1280×800, the reviews page
// also at 390×844. Needs `npm run build` first. Run: node scripts/ui-screenshots.mjs
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = path.join(root, "bin/flowc.js");
const out = path.join(root, "docs/ui");
const home = mkdtempSync(path.join(tmpdir(), "flowc-ui-shots-"));
const env = { ...process.env, FLOWC_HOME: home, NO_COLOR: "1" };

function flowc(...args) {
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, encoding: "utf8" });
  return `${run.stdout}${run.stderr}`;
}

flowc("run", "samples/campaign.flow", "--simulate-reviews", "--seed", "7", "--latency", "8");
flowc("run", "samples/product_clips.flow", "--simulate-reviews", "--seed", "2");
const paused = /run (\S+) awaiting-review/.exec(flowc("run", "samples/campaign.flow", "--no-simulate-reviews", "--seed", "3"))[1];

const ui = spawn(process.execPath, [bin, "ui", "samples"], { cwd: root, env });
const url = await new Promise((resolve, reject) => {
  let text = "";
  ui.stdout.on("data", (chunk) => {
    text += chunk;
    const line = /flowc ui: (\S+)/.exec(text);
    if (line) resolve(line[1]);
  });
  ui.on("exit", () => reject(new Error("flowc ui exited")));
});
const origin = new URL(url).origin;
const browser = await chromium.launch({ executablePath: process.env.FLOWC_CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  mkdirSync(out, { recursive: true });
  const shoot = async (route, name, ready, fullPage = false) => {
    await page.goto(`${origin}/#${route}`);
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState("networkidle");
    await page.waitForFunction(() => [...document.images].filter((i) => i.getBoundingClientRect().top < window.innerHeight).every((i) => i.complete && i.naturalWidth > 0));
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage });
    console.log(`docs/ui/${name}.png`);
  };
  const listed = JSON.parse(spawnSync(process.execPath, [bin, "runs", "--format", "json"], { cwd: root, env, encoding: "utf8" }).stdout);
  const done = listed.runs.find((r) => r.flow === "campaign_portraits" && r.status === "completed").runId;
  await shoot("/runs", "runs", "table.runs");
  await shoot(`/runs/${encodeURIComponent(done)}`, "run", ".chart", true);
  await shoot(`/runs/${encodeURIComponent(paused)}/reviews`, "reviews", ".group img");
  await shoot("/flows/file/samples/campaign.flow", "flow", ".graph svg");
  await shoot("/cache", "cache", "h1");
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(`/runs/${encodeURIComponent(paused)}/reviews`, "reviews-narrow", ".group img");
} finally {
  await browser.close();
  ui.kill("SIGINT");
  rmSync(home, { recursive: true, force: true });
}

