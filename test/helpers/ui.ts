// What the `flowc ui` tests share: Debian's chromium, where screenshots go, and a run record
// without the times that differ between two runs making the same decisions.
import path from "node:path";
import { ROOT } from "../cli-spawn";

/** `.ci/run` installs it with apt when missing; FLOWC_CHROMIUM names another build */
export const CHROMIUM = process.env.FLOWC_CHROMIUM ?? "/usr/bin/chromium";

/** screenshots of every page, as test artifacts (git-ignored) */
export const SHOTS = path.join(ROOT, "test-results", "ui");

const TIMES = new Set(["at", "startedAt", "endedAt"]);

export function normalisedRecord(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalisedRecord);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !TIMES.has(key)).map(([key, v]) => [key, normalisedRecord(v)]));
}
