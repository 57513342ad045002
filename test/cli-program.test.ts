// flowc in-process, with the compiler's front door replaced by canned analyses: exit statuses,
// usage errors and the per-file catch of internal errors, independent of the real pipeline.
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test, vi } from "vitest";
import type { FileAnalysis } from "../compiler/index";
import type { FlowFile } from "../syntax/ast";
import type { CliIo } from "../cli/io";
import { limitDiagnostics, type Limits } from "../compiler/budget-checks";
import { runCli } from "../cli/program";
import { brokenDiagnostics, campaignBudgetDiagnostics, campaignReport, rangeIn } from "./cli-sample-data";

vi.mock("../compiler/index", () => ({ analyzeFile: cannedAnalysis }));

function fileAst(flow: string): FlowFile {
  const range = rangeIn("flow x {}", 1, 1, 1, 10);
  return { kind: "file", imports: [], decls: [], range, flow: { kind: "flow", name: { text: flow, range: rangeIn("flow x {}", 1, 6, 1, 7) }, decls: [], range } };
}

/** What the pipeline would say about a file, chosen by a word in its text. */
function cannedAnalysis(file: string, text: string, _host: unknown, options: { warm?: boolean; limits?: Limits } = {}): FileAnalysis {
  if (text.includes("CRASH")) throw new Error("boom\nsecond line of the message");
  const withFile = <T extends { file?: string }>(list: T[]) => list.map((d) => ({ ...d, file }));
  if (text.includes("BROKEN")) return { file, text, ast: fileAst("broken"), diagnostics: withFile(brokenDiagnostics()) };
  const cost = { ...campaignReport(), warm: options.warm === true };
  const ast = fileAst("campaign_portraits");
  // FLOW307/FLOW308 come out of the analysis, given `--max-worst-case` / `--max-expected` as options.
  const limits = options.limits ? limitDiagnostics(cost, options.limits, ast.flow!.name.range) : [];
  return { file, text, ast, cost, diagnostics: withFile([...campaignBudgetDiagnostics(), ...limits]) };
}

const dir = mkdtempSync(path.join(tmpdir(), "flowc-cli-program-"));
writeFileSync(path.join(dir, "campaign.flow"), "CAMPAIGN");
writeFileSync(path.join(dir, "broken.flow"), "BROKEN");
writeFileSync(path.join(dir, "crash.flow"), "CRASH");
writeFileSync(path.join(dir, "binary.flow"), Buffer.from([0x66, 0x00, 0x6c]));
writeFileSync(path.join(dir, "latin1.flow"), Buffer.from([0x66, 0xe9, 0x0a]));
mkdirSync(path.join(dir, "folder.flow"));

async function flowc(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), color: false, cwd: dir, env: {}, stdin: () => ({ ok: false, reason: "no standard input in this test" }) };
  const status = await runCli(args, io);
  return { status, stdout, stderr };
}

describe("exit statuses", () => {
  test("0: warnings only", async () => {
    const run = await flowc("check", "campaign.flow");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    expect(run.stdout).toMatch(/0 errors, 1 warning, 0 hints in 1 file\n$/);
  });

  test("1: warnings with --deny-warnings, errors, limits exceeded", async () => {
    expect((await flowc("check", "campaign.flow", "--deny-warnings")).status).toBe(1);
    expect((await flowc("check", "broken.flow")).status).toBe(1);
    const limited = await flowc("check", "campaign.flow", "--max-worst-case", "900", "--max-expected", "272.0257216");
    expect(limited.status).toBe(1);
    expect(limited.stdout).toContain("error FLOW307: worst case 902.2896 credits exceeds --max-worst-case 900");
    expect(limited.stdout).not.toContain("FLOW308");
    const expected = await flowc("check", "campaign.flow", "--max-expected", "272.0257215", "--max-worst-case", "902.2896");
    expect(expected.stdout).toContain("error FLOW308");
    expect(expected.stdout).not.toContain("FLOW307");
    expect((await flowc("check", "campaign.flow", "--max-worst-case", "1_000")).status).toBe(0);
  });

  test.each([
    [["check", "missing.flow"], /^flowc: cannot read 'missing\.flow': no such file\n$/],
    [["check", "folder.flow"], /^flowc: no \.flow files in 'folder\.flow'\n$/],
    [["check", "binary.flow"], /^flowc: cannot read 'binary\.flow': is a binary file/],
    [["check", "latin1.flow"], /^flowc: cannot read 'latin1\.flow': is not valid UTF-8 text\n$/],
    [["check", "campaign.flow", "--bogus"], /^flowc: unknown option '--bogus'\n$/],
    [["check", "campaign.flow", "--max-worst-case", "lots"], /^flowc: option '--max-worst-case <credits>' argument 'lots' is invalid\. expected a number of credits/],
    [["check", "campaign.flow", "--max-expected", "-3"], /^flowc: .*'-3' is invalid/],
    [["check", "campaign.flow", "--format", "xml"], /^flowc: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, sarif, github\.\n$/],
    [["check", "--stdin-filepath", "a.flow"], /^flowc: --stdin-filepath names standard input: give '-' as well\n$/],
    [["check", "-", "-"], /^flowc: '-' \(standard input\) may be given once\n$/],
    [["cost", "missing.flow"], /^flowc: cannot read 'missing\.flow': no such file\n$/],
    [["cost", "campaign.flow", "--format", "sarif"], /^flowc: option '--format <format>' argument 'sarif' is invalid/],
    [["frobnicate"], /^flowc: unknown command 'frobnicate'\n$/],
  ])("2: %j", async (args, message) => {
    const run = await flowc(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  test("2 for an unreadable file, while the other files are still checked", async () => {
    const run = await flowc("check", "missing.flow", "broken.flow", "--format", "json");
    expect(run.status).toBe(2);
    const parsed = JSON.parse(run.stdout);
    expect(parsed.files.map((f: { status: string }) => f.status)).toEqual(["unreadable", "checked"]);
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
  });

  test("an exception in one file is reported for that file alone, in one line, with status 2", async () => {
    const run = await flowc("check", "crash.flow", "campaign.flow");
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("flowc: internal error while checking crash.flow: boom\n");
    expect(run.stdout).toContain("FLOW301");
    expect((await flowc("cost", "crash.flow")).stderr).toBe("flowc: internal error while checking crash.flow: boom\n");
  });
});

describe("cost", () => {
  test("a priced flow: table and budget diagnostics, status 0", async () => {
    const run = await flowc("cost", "campaign.flow");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^campaign_portraits — worst case 902\.2896 credits/);
    expect(run.stdout).toContain("warning FLOW301");
  });

  test("a flow with errors: its diagnostics, no table, status 1", async () => {
    const run = await flowc("cost", "broken.flow");
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("error FLOW201: unknown name 'shot'");
    expect(run.stdout).not.toContain("worst case");
    expect(JSON.parse((await flowc("cost", "broken.flow", "--format", "json")).stdout).diagnostics[0].code).toBe("FLOW201");
  });

  test("--warm reaches the analysis", async () => {
    expect(JSON.parse((await flowc("cost", "campaign.flow", "--warm", "--format", "json")).stdout).warm).toBe(true);
    expect(JSON.parse((await flowc("cost", "campaign.flow", "--format", "json")).stdout).warm).toBe(false);
  });

  test("--explain in every format", async () => {
    expect((await flowc("cost", "campaign.flow", "--explain")).stdout).toContain("every call of `full` takes 2 attempts (retry 1)");
    expect((await flowc("cost", "campaign.flow", "--explain", "--format", "markdown")).stdout).toContain("#### Witness");
    expect(JSON.parse((await flowc("cost", "campaign.flow", "--explain", "--format", "json")).stdout).explanation).toContain(
      "every call of `full` takes 2 attempts (retry 1): each failed attempt is charged",
    );
  });
});

describe("help and version", () => {
  test("--version prints the package version", async () => {
    const run = await flowc("--version");
    expect(run).toEqual({ status: 0, stdout: "0.1.0\n", stderr: "" });
  });

  test.each([["check"], ["cost"]])("%s --help: usage, a description and an example", async (command) => {
    const run = await flowc(command, "--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: flowc ${command} \\[options\\]`));
    expect(run.stdout).toMatch(/\nExamples?:\n {2}\$ flowc /);
    expect(run.stdout).toContain("--format <format>");
  });

  test("no command: help on stderr, status 2", async () => {
    const run = await flowc();
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Usage: flowc");
  });
});
