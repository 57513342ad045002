// `flowc fmt`, spawned as a user or an editor runs it: files rewritten in place (atomically, only
// when they change), `--check`, standard input, syntax errors and unreadable files.
import { spawnSync } from "node:child_process";
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, inject, test } from "vitest";
import { formatFlow } from "../compiler/format/index";
import { BIN, ROOT, flowc } from "./cli-spawn";

const messy = readFileSync(path.join(ROOT, "test/fmt-fixtures/messy.flow"), "utf8");
const canonical = formatFlow(messy).text;
const BROKEN = "flow x {\n  input a: text\n  node n = f(a {\n}\n";

let dir: string;
const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
const fmt = (...args: string[]) => flowc(["fmt", ...args], { cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "flowc-fmt-cli-"));
  writeFileSync(path.join(dir, "messy.flow"), messy);
  writeFileSync(path.join(dir, "canonical.flow"), canonical);
  writeFileSync(path.join(dir, "broken.flow"), BROKEN);
});

describe("flowc fmt FILE...", () => {
  test("rewrites the files that change, touches none that do not, prints nothing", () => {
    const before = statSync(path.join(dir, "canonical.flow")).mtimeMs;
    const run = fmt("messy.flow", "canonical.flow");
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
    expect(read("messy.flow")).toBe(canonical);
    expect(statSync(path.join(dir, "canonical.flow")).mtimeMs).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(["broken.flow", "canonical.flow", "messy.flow"]);
  });

  test("through a symbolic link, rewrites the file it points to and keeps the link", () => {
    mkdirSync(path.join(dir, "real"));
    copyFileSync(path.join(dir, "messy.flow"), path.join(dir, "real/target.flow"));
    symlinkSync(path.join(dir, "real/target.flow"), path.join(dir, "link.flow"));
    expect(fmt("link.flow").status).toBe(0);
    expect(lstatSync(path.join(dir, "link.flow")).isSymbolicLink()).toBe(true);
    expect(read("real/target.flow")).toBe(canonical);
  });

  test("a file with syntax errors: its errors as `flowc check` prints them, left as it is, exit 1; the others are formatted", () => {
    const run = fmt("broken.flow", "messy.flow");
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^broken\.flow:3:\d+ - error FLOW101: /m);
    expect(run.stderr).toContain(" 3 | ");
    expect(run.stderr).toContain("flowc: broken.flow has syntax errors: it is left as it is\n");
    expect(read("broken.flow")).toBe(BROKEN);
    expect(read("messy.flow")).toBe(canonical);
  });

  test("an unreadable file: one line, exit 2; the others are formatted", () => {
    const run = fmt("missing.flow", "messy.flow");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("flowc: cannot read 'missing.flow': no such file\n");
    expect(read("messy.flow")).toBe(canonical);
  });
});

describe("flowc fmt --check", () => {
  test("lists the files that would change, writes nothing, exits 1", () => {
    const run = fmt("--check", "messy.flow", "canonical.flow");
    expect(run.stdout).toBe("messy.flow\n");
    expect(run.stderr).toBe("flowc: 1 file not formatted: run flowc fmt to format it\n");
    expect(run.status).toBe(1);
    expect(read("messy.flow")).toBe(messy);
  });

  test("exits 0 and prints nothing when every file is formatted", () => {
    const run = fmt("--check", "canonical.flow");
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  test("passes every sample", () => {
    const samples = readdirSync(path.join(ROOT, "samples")).filter((f) => f.endsWith(".flow"));
    const run = flowc(["fmt", "--check", ...samples.map((f) => `samples/${f}`), "samples/models/studio.flow"]);
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});

describe("flowc fmt - (standard input to standard output)", () => {
  function fmtStdin(input: string, ...args: string[]) {
    const buildError = inject("flowcBuildError");
    if (buildError) throw new Error(buildError);
    return spawnSync(process.execPath, [BIN, "fmt", "-", ...args], { cwd: dir, input, encoding: "utf8" });
  }

  test("writes the formatted text", () => {
    const run = fmtStdin(messy);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(canonical);
    expect(run.status).toBe(0);
  });

  test("with --check: names <stdin> and exits 1 when it would change, else 0", () => {
    const changed = fmtStdin(messy, "--check");
    expect(changed.stdout).toBe("<stdin>\n");
    expect(changed.status).toBe(1);
    const same = fmtStdin(canonical, "--check");
    expect(same.stdout).toBe("");
    expect(same.status).toBe(0);
  });

  test("syntax errors: nothing on standard output, the errors on standard error, exit 1", () => {
    const run = fmtStdin(BROKEN);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^<stdin>:3:\d+ - error FLOW101: /m);
    expect(run.status).toBe(1);
  });

  test("not together with files: bad usage, exit 2", () => {
    const run = fmt("-", "messy.flow");
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^flowc: '-' \(standard input\) cannot be formatted together with files\n$/);
    expect(read("messy.flow")).toBe(messy);
  });
});
