// Pictures of the items a person decides on, for every provider: the simulated provider's drawn
// SVG, a provider's image or video URL (http(s) or data:) as it is, a media file inside the run's
// folder by its path there, one elsewhere copied in; nothing else.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startRun, type Provider } from "../runtime/index";
import { mediaOfValue } from "../runtime/media";
import { simulatedPicture } from "../runtime/providers/picture";
import { productClips, uncapped } from "./helpers/runtime-graphs";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(tmpdir(), "flowc-media-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const quiet = { notify: { stderr: false as const }, collectOutputs: false };

/** A provider whose keyframes are whatever `value(i)` says. */
function providerOf(value: (callId: string) => unknown): Provider {
  return {
    name: "studio",
    async call(request) {
      return { ok: true, outputs: Array.from({ length: Math.max(1, request.items.length) * request.variants }, () => ({ value: value(request.callId), metrics: {} })) };
    },
  };
}

describe("mediaOfValue", () => {
  const folder = "/runs/r1";
  it("takes image, video and audio URLs, and media files inside the run's folder", () => {
    expect(mediaOfValue("https://cdn.example/a/b.PNG?x=1", undefined, folder)).toEqual({ kind: "image", url: "https://cdn.example/a/b.PNG?x=1" });
    expect(mediaOfValue("data:video/mp4;base64,AAAA", undefined, folder)).toEqual({ kind: "video", url: "data:video/mp4;base64,AAAA" });
    expect(mediaOfValue({ url: "http://cdn.example/clip.webm" }, undefined, folder)).toEqual({ kind: "video", url: "http://cdn.example/clip.webm" });
    expect(mediaOfValue("/runs/r1/out/frame 1.jpg", undefined, folder)).toEqual({ kind: "image", path: "out/frame 1.jpg" });
    expect(mediaOfValue({ path: "/runs/r1/voice.mp3" }, undefined, folder)).toEqual({ kind: "audio", path: "voice.mp3" });
  });

  it("leaves everything else: other files, other schemes, text", () => {
    for (const value of ["/runs/r10/x.png", "/runs/r1/../r2/x.png", "/etc/passwd", "out/frame.jpg", "file:///tmp/x.png", "javascript:alert(1)", "data:text/html,<b>", "a caption", 42, null]) {
      expect(mediaOfValue(value, undefined, folder), String(value)).toBeUndefined();
    }
  });
});

describe("pictures in the record of a paused run", () => {
  it("the simulated provider draws each item a person decides on, into the run's folder", () => {
    const svg = simulatedPicture({ id: "full#3.v1", op: "generate", model: "flux_pro", variant: 1, metrics: { aesthetic: 0.25 }, hash: "abc" }).data;
    expect(svg).toContain(">full#3.v1</text>");
    expect(svg).toContain("generate · flux_pro");
    expect(svg).toContain("variant 1");
    expect(svg).toContain("0.25");
    expect(simulatedPicture({ id: "full#3.v1", op: "generate", metrics: {}, hash: "abc" }).data).toBe(simulatedPicture({ id: "full#3.v1", op: "generate", metrics: {}, hash: "abc" }).data);
  });

  it("a provider's URLs are shown as they are", async () => {
    const run = await startRun(uncapped(productClips()), { home, provider: providerOf((id) => `https://cdn.example/keyframes/${id}.png`), ...quiet });
    expect(run.status).toBe("awaiting-review");
    const item = run.record.pending[0]!.items![0]!;
    expect(item.media).toEqual({ kind: "image", url: `https://cdn.example/keyframes/${item.id.split("#")[1]}.png` });
  });

  it("a provider's media file elsewhere on the machine is copied into the run's folder", async () => {
    const outside = path.join(home, "renders");
    mkdirSync(outside);
    writeFileSync(path.join(outside, "frame.png"), "png bytes");
    const run = await startRun(uncapped(productClips()), { home, provider: providerOf(() => ({ path: path.join(outside, "frame.png") })), ...quiet });
    const item = run.record.pending[0]!.items![0]!;
    expect(item.media).toEqual({ kind: "image", path: `items/${item.id.replace("#", "-")}.png` });
    const copy = path.join(home, "runs", run.runId, (item.media as { path: string }).path);
    expect(readFileSync(copy, "utf8")).toBe("png bytes");
  });

  it("a value that is no picture gets none (and no file)", async () => {
    const run = await startRun(uncapped(productClips()), { home, provider: providerOf(() => "a caption"), ...quiet });
    expect(run.record.pending[0]!.items![0]).not.toHaveProperty("media");
    expect(existsSync(path.join(home, "runs", run.runId, "items"))).toBe(false);
  });
});
