// Golden files of the formatter (test/golden/fmt/, refreshed by UPDATE_EXPECT=1 — read the diff):
// every sample formatted, and a deliberately messy flow. The samples follow the contract's style,
// which is the canonical form: formatting one changes nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { formatFlow } from "../compiler/format/index";
import { ROOT, expectGolden } from "./cli-spawn";
import { FMT_SAMPLES, readSampleText } from "./fmt-helpers";

const goldenName = (sample: string) => `fmt/${sample.replace(/\//g, "-")}`;

describe.each(FMT_SAMPLES)("%s", (sample) => {
  const text = readSampleText(sample);
  const formatted = formatFlow(text);

  test("formats to its golden file", () => {
    expect(formatted.diagnostics).toEqual([]);
    expectGolden(goldenName(sample), formatted.text);
  });

  test("is already canonical", () => expect(formatted.text).toBe(text));
});

test("a messy flow formats to its golden file", () => {
  const text = readFileSync(path.join(ROOT, "test/fmt-fixtures/messy.flow"), "utf8");
  const formatted = formatFlow(text);
  expect(formatted.diagnostics).toEqual([]);
  expect(formatted.text).not.toBe(text);
  expectGolden("fmt/messy.flow", formatted.text);
});
