import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError, listRuns, loadInputs, startRun } from "../runtime/index";
import type { FlowGraph } from "../runtime/graph";
import { campaign, input, node, ref, uncapped } from "./helpers/runtime-graphs";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "flowc-rt-inputs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function flow(...inputs: ReturnType<typeof input>[]): FlowGraph {
  return { flow: "inputs_flow", streams: [...inputs, node("n", "tag", ref(inputs[0]!.name), { pricePerOutput: "1" })], outputs: [ref("n")], budget: { strict: false }, worstCase: "0", expected: "0" };
}

describe("loadInputs", () => {
  it("reads text files line by line, JSON arrays element by element, folders file by file", async () => {
    await writeFile(path.join(dir, "prompts.txt"), "a cat\r\n\na dog\n  \na bird\n");
    await writeFile(path.join(dir, "rows.json"), JSON.stringify([{ id: 1 }, { id: 2 }]));
    await mkdir(path.join(dir, "shots"));
    await writeFile(path.join(dir, "shots", "b.png"), "png-b");
    await writeFile(path.join(dir, "shots", "a.jpg"), "jpg-a");
    await writeFile(path.join(dir, "shots", "notes.txt"), "ignored");
    await writeFile(path.join(dir, "shots", ".hidden.png"), "ignored");
    const g = flow(input("prompts", "text", 10), input("rows", "json", 5), input("shots", "image", 5));
    const loaded = await loadInputs(g, { prompts: path.join(dir, "prompts.txt"), rows: path.join(dir, "rows.json"), shots: path.join(dir, "shots") });
    expect(loaded.prompts!.map((i) => i.value)).toEqual(["a cat", "a dog", "a bird"]);
    expect(loaded.rows!.map((i) => i.value)).toEqual([{ id: 1 }, { id: 2 }]);
    expect(loaded.shots!.map((i) => (i.value as { path: string }).path)).toEqual([path.join(dir, "shots", "a.jpg"), path.join(dir, "shots", "b.png")]);
    expect(new Set(loaded.shots!.map((i) => i.hash)).size).toBe(2);
    const twice = await loadInputs(g, { prompts: [path.join(dir, "prompts.txt"), path.join(dir, "prompts.txt")] });
    expect(twice.prompts).toHaveLength(6);
  });

  it("names the input and the path of what cannot be read or does not fit", async () => {
    const g = flow(input("prompts", "text", 2), input("style", "image"), input("data", "json", 3));
    const missing = path.join(dir, "missing.txt");
    await expect(loadInputs(g, { prompts: missing })).rejects.toThrow(`input prompts: cannot read ${missing}: no such file or folder`);
    await writeFile(path.join(dir, "three.txt"), "1\n2\n3\n");
    await expect(loadInputs(g, { prompts: path.join(dir, "three.txt") })).rejects.toThrow("holds 3 items; the input takes at most 2");
    await mkdir(path.join(dir, "styles"));
    await writeFile(path.join(dir, "styles", "a.png"), "a");
    await writeFile(path.join(dir, "styles", "b.png"), "b");
    await expect(loadInputs(g, { style: path.join(dir, "styles") })).rejects.toThrow("holds 2 items; the input takes exactly one");
    await mkdir(path.join(dir, "empty"));
    await expect(loadInputs(g, { style: path.join(dir, "empty") })).rejects.toThrow("holds no image files");
    await writeFile(path.join(dir, "bad.json"), "[1,");
    await expect(loadInputs(g, { data: path.join(dir, "bad.json") })).rejects.toThrow("is not valid JSON");
    await expect(loadInputs(g, { nope: missing })).rejects.toThrow("flow inputs_flow has no input named nope");
    if (process.getuid?.() !== 0) {
      await writeFile(path.join(dir, "locked.txt"), "x\n");
      await chmod(path.join(dir, "locked.txt"), 0o000);
      await expect(loadInputs(g, { prompts: path.join(dir, "locked.txt") })).rejects.toThrow("permission denied");
    }
  });

  it("a run with a bad input stops before any credit is spent or any run is recorded", async () => {
    const home = path.join(dir, "home");
    const error = await startRun(uncapped(campaign()), { home, inputs: { shots: path.join(dir, "nowhere") } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).usage).toBe(true);
    expect(await listRuns({ home })).toEqual([]);
  });

  it("given inputs feed the run; the others are synthesised at their expected count", async () => {
    await mkdir(path.join(dir, "shots"));
    for (const name of ["1.png", "2.png", "3.png"]) await writeFile(path.join(dir, "shots", name), name);
    const result = await startRun(uncapped(campaign()), { home: path.join(dir, "home"), cwd: dir, inputs: { shots: "shots" }, simulateHumans: true, notify: { stderr: false } });
    const faces = result.record.nodes.find((n) => n.name === "faces")!;
    expect(faces.itemsIn).toBe(3);
    expect(result.record.nodes.find((n) => n.name === "style")!.itemsOut).toBe(1);
    const synthesised = await startRun(uncapped(campaign()), { home: path.join(dir, "home2"), simulateHumans: true, notify: { stderr: false } });
    expect(synthesised.record.nodes.find((n) => n.name === "faces")!.itemsIn).toBe(40);
  });
});
