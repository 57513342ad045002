// `flowc check`, spawned as a user runs it: exit statuses, every output format, colour, golden text.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import Ajv from "ajv";
import { ESCAPE, FIXTURES, expectGolden, flowc } from "./cli-spawn";
import { SARIF_REQUIRED_SHAPE } from "./cli-sarif-shape";

const CAMPAIGN = `${FIXTURES}/campaign_portraits.flow`;
const BROKEN = `${FIXTURES}/broken.flow`;

const scratch = mkdtempSync(path.join(tmpdir(), "flowc-cli-check-"));
const BINARY = path.join(scratch, "binary.flow");
const LATIN1 = path.join(scratch, "latin1.flow");
writeFileSync(BINARY, Buffer.from("flow x {\u0000}", "utf8"));
writeFileSync(LATIN1, Buffer.from([0x66, 0x6c, 0x6f, 0x77, 0x20, 0xe9, 0x0a]));

function expectUsageError(args: string[], message: RegExp): void {
  const run = flowc(args);
  expect(run.status).toBe(2);
  expect(run.stderr).toMatch(/^flowc: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe("exit statuses", () => {
  test("0 for a flow with warnings only", () => {
    const run = flowc(["check", CAMPAIGN]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("warning FLOW301");
    expect(run.stdout).toMatch(/0 errors, \d+ warnings?, \d+ hints? in 1 file\n$/);
    expect(run.status).toBe(0);
  });

  test("1 for errors", () => {
    const run = flowc(["check", BROKEN]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("error FLOW201");
  });

  test("1 for warnings with --deny-warnings", () => {
    expect(flowc(["check", CAMPAIGN, "--deny-warnings"]).status).toBe(1);
  });

  test("1 when a limit is exceeded, 0 when the figures are at the limits", () => {
    const worst = flowc(["check", CAMPAIGN, "--max-worst-case", "900"]);
    expect(worst.status).toBe(1);
    expect(worst.stdout).toContain("error FLOW307");
    const expected = flowc(["check", CAMPAIGN, "--max-expected", "272"]);
    expect(expected.status).toBe(1);
    expect(expected.stdout).toContain("error FLOW308");
    expect(flowc(["check", CAMPAIGN, "--max-worst-case", "902.2896", "--max-expected", "272.0257216"]).status).toBe(0);
  });

  test("2 for a missing file", () => expectUsageError(["check", "no/such/file.flow"], /cannot read 'no\/such\/file\.flow': no such file/));
  test("2 for a folder without .flow files", () => expectUsageError(["check", "test/golden/check"], /no \.flow files in 'test\/golden\/check'/));
  test("2 for a binary file", () => expectUsageError(["check", BINARY], /is a binary file/));
  test("2 for invalid UTF-8", () => expectUsageError(["check", LATIN1], /is not valid UTF-8/));
  test("2 for an unknown flag", () => expectUsageError(["check", CAMPAIGN, "--strict-mode"], /unknown option '--strict-mode'/));
  test("2 for a bad number", () => expectUsageError(["check", CAMPAIGN, "--max-worst-case", "12e3"], /'12e3' is invalid/));
  test("2 for an unknown format", () => expectUsageError(["check", CAMPAIGN, "--format", "yaml"], /Allowed choices are text, json, sarif, github/));
});

describe("formats", () => {
  test("json: diagnostics with the contract's fields, and each file's figures", () => {
    const run = flowc(["check", CAMPAIGN, BROKEN, "--format", "json"]);
    expect(run.status).toBe(1);
    const parsed = JSON.parse(run.stdout);
    expect(parsed.diagnostics.length).toBeGreaterThan(1);
    for (const d of parsed.diagnostics) {
      expect(Object.keys(d)).toEqual(expect.arrayContaining(["file", "line", "column", "endLine", "endColumn", "severity", "code", "message"]));
      expect(d.code).toMatch(/^FLOW\d{3}$/);
    }
    expect(parsed.files).toEqual([
      expect.objectContaining({ file: CAMPAIGN, flow: "campaign_portraits", worstCase: 902.2896, expected: 272.0257216 }),
      expect.objectContaining({ file: BROKEN, worstCase: null }),
    ]);
  });

  test("sarif: the shape GitHub code scanning requires", () => {
    const run = flowc(["check", CAMPAIGN, BROKEN, "--format", "sarif"]);
    const log = JSON.parse(run.stdout);
    const validate = new Ajv({ allErrors: true, strict: false }).compile(SARIF_REQUIRED_SHAPE);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].tool.driver).toMatchObject({ name: "flowc", version: "0.1.0" });
    const uris = log.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0].physicalLocation.artifactLocation.uri);
    expect(new Set(uris)).toEqual(new Set([CAMPAIGN, BROKEN]));
  });

  test("github: one workflow command per line", () => {
    const run = flowc(["check", CAMPAIGN, BROKEN, "--format", "github"]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      expect(line).toMatch(/^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=FLOW\d{3}::\S.*$/);
    }
  });
});

describe("colour", () => {
  test("none when piped, none with NO_COLOR even when forced", () => {
    expect(flowc(["check", BROKEN]).stdout).not.toContain(ESCAPE);
    expect(flowc(["check", BROKEN], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } }).stdout).not.toContain(ESCAPE);
    expect(flowc(["cost", CAMPAIGN], { env: { NO_COLOR: "1" } }).stdout).not.toContain(ESCAPE);
  });

  test("FORCE_COLOR turns it on in a pipe", () => {
    expect(flowc(["check", BROKEN], { env: { FORCE_COLOR: "1" } }).stdout).toContain(ESCAPE);
  });
});

describe("golden", () => {
  test("flowc check of a broken file", () => {
    const run = flowc(["check", BROKEN]);
    expect(run.status).toBe(1);
    expectGolden("check-broken.txt", run.stdout);
  });
});

describe("help and version", () => {
  test("--version prints package.json's version", () => {
    expect(flowc(["--version"])).toMatchObject({ status: 0, stdout: "0.1.0\n" });
  });

  test.each(["check", "cost"])("%s --help has a description and an example", (command) => {
    const run = flowc([command, "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: flowc ${command} `));
    expect(run.stdout).toMatch(/\nExamples?:\n {2}\$ flowc /);
  });

  test("flowc --help lists the commands", () => {
    const run = flowc(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n {2}check \[options\] \[inputs\.\.\.\]/);
    expect(run.stdout).toMatch(/\n {2}cost \[options\] \[inputs\.\.\.\]/);
  });
});
