// The CLI at scale and everywhere (issue 12): text output shows at most --max-diagnostics per file
// and says what it left out, cuts long lines around the caret, indexes each file's lines once (so
// its time grows with what it shows, not with the size of the file: `npm run bench` measures the
// 2N/N ratio and text against JSON); a file of 50,000 syntax errors is checked in a small heap;
// output is the same bytes under any locale; `check` and `cost` stop at once on SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Range } from "../syntax/ast";
import { diag, type Diagnostic, type DiagnosticCode } from "../syntax/diagnostics";
import { palette } from "../cli/format/colors";
import { checkJson } from "../cli/format/json";
import { DEFAULT_MAX_DIAGNOSTICS, formatDiagnostics, SNIPPET_WIDTH, type TextContext } from "../cli/format/text";
import { BIN, ROOT, flowc } from "./cli-spawn";

const scratch = () => mkdtempSync(path.join(tmpdir(), "flowc-scale-"));

/** A range on line `line` (1-based) of a text whose lines are all `width` characters long. */
function rangeAt(line: number, column: number, endColumn: number, width: number): Range {
  const offset = (line - 1) * (width + 1) + column - 1;
  return { start: { line, column, offset }, end: { line, column: endColumn, offset: offset + endColumn - column } };
}

function context(texts: Record<string, string>, asked: string[] = []): TextContext {
  return {
    colors: palette(false),
    cwd: "/work",
    textOf: (file) => {
      asked.push(file);
      return texts[file];
    },
  };
}

const CODE_OF = { error: "FLOW201", warning: "FLOW305", hint: "FLOW408" } as const satisfies Record<string, DiagnosticCode>;

/** `count` diagnostics of one severity on lines `from`, `from + 1`, … of `file`. */
function many(file: string, severity: keyof typeof CODE_OF, count: number, from: number): Diagnostic[] {
  return Array.from({ length: count }, (_, i) => diag(CODE_OF[severity], `${severity} ${i}`, rangeAt(from + i, 1, 2, 10), { file, severity }));
}

const headers = (text: string) => text.split("\n").filter((line) => /^\S+:\d+:\d+ - /.test(line));

describe("--max-diagnostics in text output", () => {
  const texts = { "a.flow": "0123456789\n".repeat(200), "b.flow": "0123456789\n".repeat(5) };

  test("shows the most severe first, in source order, and says how many of each were left out", () => {
    const list = [...many("a.flow", "hint", 60, 1), ...many("a.flow", "error", 3, 100), ...many("b.flow", "warning", 2, 1)];
    const text = formatDiagnostics(list, context(texts), { maxPerFile: 50 });
    const shown = headers(text);
    expect(shown.filter((h) => h.startsWith("a.flow"))).toHaveLength(50);
    expect(shown.filter((h) => h.includes(" - error "))).toHaveLength(3);
    expect(shown.slice(0, 2)).toEqual(["a.flow:1:1 - hint FLOW408: hint 0", "a.flow:2:1 - hint FLOW408: hint 1"]);
    expect(shown[46]).toBe("a.flow:47:1 - hint FLOW408: hint 46");
    expect(shown[47]).toBe("a.flow:100:1 - error FLOW201: error 0");
    expect(text).toContain("\na.flow: 13 more diagnostics not shown (13 hints); --max-diagnostics 0 shows them all\n");
    expect(shown.filter((h) => h.startsWith("b.flow"))).toHaveLength(2);
    expect(text).not.toContain("b.flow: ");
  });

  test(`shows ${DEFAULT_MAX_DIAGNOSTICS} per file by default, and all of them with 0`, () => {
    const list = many("a.flow", "error", 120, 1);
    expect(headers(formatDiagnostics(list, context(texts)))).toHaveLength(DEFAULT_MAX_DIAGNOSTICS);
    expect(headers(formatDiagnostics(list, context(texts), { maxPerFile: 0 }))).toHaveLength(120);
    expect(formatDiagnostics(list, context(texts), { maxPerFile: 7 })).toContain("a.flow: 113 more diagnostics not shown (113 errors);");
  });

  test("JSON carries and counts every diagnostic", () => {
    const list = many("a.flow", "error", 120, 1);
    const json = JSON.parse(checkJson([{ file: "a.flow", status: "checked", diagnostics: list }], "/work"));
    expect(json.diagnostics).toHaveLength(120);
    expect(json.summary.errors).toBe(120);
  });

  test("each file's text is asked for and indexed once, however many diagnostics it has", () => {
    const asked: string[] = [];
    formatDiagnostics([...many("a.flow", "error", 40, 1), ...many("b.flow", "hint", 3, 1)], context(texts, asked), { maxPerFile: 0 });
    expect(asked).toEqual(["a.flow", "b.flow"]);
  });
});

describe("long source lines", () => {
  /** The snippet's source line and underline, without their gutters. */
  function snippet(line: string, column: number, endColumn: number): { source: string; marks: string } {
    const d = diag("FLOW101", "x", { start: { line: 1, column, offset: column - 1 }, end: { line: 1, column: endColumn, offset: endColumn - 1 } }, { file: "a.flow" });
    const lines = formatDiagnostics([d], context({ "a.flow": line })).split("\n");
    return { source: lines[2]!.slice(" 1 | ".length), marks: lines[3]!.slice(" 1 | ".length) };
  }

  test("are cut around the caret, with '...' where they were cut", () => {
    const line = "a".repeat(5_000) + "HERE" + "b".repeat(5_000);
    const { source, marks } = snippet(line, 5_001, 5_005);
    expect(source.length).toBeLessThanOrEqual(SNIPPET_WIDTH + 6);
    expect(source.startsWith("...") && source.endsWith("...")).toBe(true);
    expect(source.slice(marks.indexOf("^"), marks.indexOf("^") + 4)).toBe("HERE");
    expect(marks.trim()).toBe("^~~~");
  });

  test("the underline stays under the same characters, at any length and column", () => {
    const cases = fc
      .record({ length: fc.integer({ min: 1, max: 3_000 }), start: fc.nat(), width: fc.nat(400) })
      .map(({ length, start, width }) => ({ length, column: (start % length) + 1, endColumn: Math.min(length, (start % length) + width) + 1 }));
    fc.assert(
      fc.property(cases, ({ length, column, endColumn }) => {
        const line = Array.from({ length }, (_, i) => String.fromCharCode(0x41 + (i % 26))).join("");
        const { source, marks } = snippet(line, column, endColumn);
        expect(source.length).toBeLessThanOrEqual(Math.max(length, SNIPPET_WIDTH + 6));
        const caret = marks.indexOf("^");
        expect(source[caret]).toBe(line[column - 1]);
        const underlined = source.slice(caret, marks.trimEnd().length);
        expect(line.slice(column - 1, Math.max(endColumn, column + 1) - 1).startsWith(underlined.replace(/\.\.\.$/, ""))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("text output grows linearly", () => {
  /** Least CPU time of formatting `count` diagnostics, one per line of a text of `count` lines. */
  function formatTime(count: number): number {
    const width = 80;
    const texts = { "a.flow": ("x".repeat(width) + "\n").repeat(count) };
    const list = Array.from({ length: count }, (_, i) => diag("FLOW201", "unknown name", rangeAt(i + 1, 5, 9, width), { file: "a.flow" }));
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const start = process.cpuUsage();
      formatDiagnostics(list, context(texts), { maxPerFile: 0 });
      const used = process.cpuUsage(start);
      best = Math.min(best, used.user + used.system);
    }
    return best;
  }

  test("twice the diagnostics in a text twice as long take about twice the time", () => {
    formatTime(20_000); // warm up
    const ratio = formatTime(20_000) / formatTime(10_000);
    // linear is 2; scanning the text once per diagnostic (as before) is 4
    expect(ratio).toBeLessThan(3);
  });
});

describe("a file of 50,000 syntax errors", () => {
  test("is checked in a 128 MB heap, showing the first of them and counting them all", () => {
    const dir = scratch();
    const file = path.join(dir, "errors.flow");
    writeFileSync(file, "flow f { node n = tag(a) { " + "cost ".repeat(50_000) + "} }");
    const run = flowc(["check", file], { nodeArgs: ["--max-old-space-size=128"] });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(1);
    expect(headers(run.stdout)).toHaveLength(DEFAULT_MAX_DIAGNOSTICS);
    expect(run.stdout).toMatch(/: \d+ more diagnostics not shown \(\d+ errors(, \d+ warnings?)?\); --max-diagnostics 0 shows them all\n/);
    expect(run.stdout).toMatch(/\n50001 errors, \d+ warnings?, 0 hints in 1 file\n$/);
    expect(run.stdout.length).toBeLessThan(100_000);
  });

  test("--max-diagnostics takes a whole number", () => {
    const run = flowc(["check", "samples/sharp_drafts.flow", "--max-diagnostics", "-1"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--max-diagnostics/);
    const one = flowc(["check", "samples/sharp_drafts.flow", "--max-diagnostics", "1"]);
    expect(headers(one.stdout)).toHaveLength(1);
    expect(one.stdout).toContain("samples/sharp_drafts.flow: 1 more diagnostic not shown (1 hint); --max-diagnostics 0 shows them all");
  });
});

describe("output does not depend on the locale", () => {
  // Estonian sorts 'z' between 's' and 't', Danish sorts 'aa' after 'z'; every node costs the same,
  // so the rows of `flowc cost` are ordered by name alone.
  const names = ["aa", "b", "s", "t", "z", "Zeta", "y", "ch", "h"];
  const flow = [
    "flow locales {",
    "  input docs: text[2]",
    ...names.map((name) => `  node ${name} = tag(docs) { cost 1 credit }`),
    `  output ${names.join(", ")}`,
    "  budget { cap 100 credits }",
    "}",
    "",
  ].join("\n");

  test("flowc cost prints the same bytes under C, et_EE and da_DK, its rows by code point", () => {
    const file = path.join(scratch(), "locales.flow");
    writeFileSync(file, flow);
    const under = (locale: string) => flowc(["cost", file], { env: { LC_ALL: locale, LANG: locale } });
    const c = under("C");
    expect(c.status, c.stderr).toBe(0);
    for (const locale of ["et_EE.UTF-8", "da_DK.UTF-8"]) expect(under(locale).stdout).toBe(c.stdout);
    const rows = c.stdout.split("\n").map((line) => /^(\S+)\s+tag\b/.exec(line)?.[1]).filter((name) => name !== undefined);
    expect(rows).toEqual(["Zeta", "aa", "b", "ch", "h", "s", "t", "y", "z"]);
  });
});

describe("signals", () => {
  /** CPU time (user + system, in seconds) a process has used, from /proc. */
  function cpuSeconds(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  test("flowc cost stops within a second of SIGTERM, in the middle of a long analysis", async () => {
    const file = path.join(scratch(), "slow.flow");
    writeFileSync(file, "flow f { node n = tag(a) { " + "cost ".repeat(300_000) + "} }");
    const child = spawn(process.execPath, [BIN, "cost", file], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal, at: performance.now() })),
    );
    // well past start-up (a small check takes 0.2 s), inside the parse of 300,000 errors (seconds)
    while (child.exitCode === null && cpuSeconds(child.pid!) < 0.6) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(child.exitCode, "the analysis ended before the signal could be sent").toBeNull();
    const sent = performance.now();
    child.kill("SIGTERM");
    const { signal, at } = await exited;
    expect(signal).toBe("SIGTERM");
    expect(at - sent).toBeLessThan(1_000);
  });

  test("check and cost listen to no signal", () => {
    const log = path.join(scratch(), "listeners.log");
    const probe = path.join(scratch(), "probe.mjs");
    writeFileSync(
      probe,
      `import { appendFileSync } from "node:fs";\nprocess.on("exit", () => appendFileSync(${JSON.stringify(log)}, ["SIGTERM", "SIGINT", "SIGHUP"].map((s) => s + "=" + process.listenerCount(s)).join(" ") + "\\n"));\n`,
    );
    for (const args of [["check", "samples/campaign.flow"], ["cost", "samples/campaign.flow"]]) flowc(args, { nodeArgs: ["--import", probe] });
    expect(readFileSync(log, "utf8")).toBe("SIGTERM=0 SIGINT=0 SIGHUP=0\n".repeat(2));
  });
});
