// flowc.json for a document, found as `flowc check` finds it: the nearest one from the document's
// folder upwards, stopping at the filesystem root or at a folder holding `.git`. Read afresh for
// each analysis (a few stat calls), so an edit to flowc.json applies at the next keystroke.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, nearestConfig, parseConfig } from "../compiler/config";
import type { AnalyzeOptions } from "../compiler/index";
import { policiesOf, policyFor } from "../compiler/policy";

export interface ConfigFound {
  /** the rules, and the policy whose globs match the document (FLOW501–FLOW506), as `flowc check` applies them */
  options: Pick<AnalyzeOptions, "config" | "policy">;
  /** why flowc.json could not be used (then the analysis runs without it) */
  problem?: string;
}

/** The settings for a document at `file` (not a path on disk: none). */
export function configFor(file: string, readDisk: (file: string) => string | undefined): ConfigFound {
  if (!path.isAbsolute(file)) return { options: {} };
  const found = nearestConfig(path.dirname(file), DISK);
  if (!found) return { options: {} };
  const text = readDisk(found);
  if (text === undefined) return { options: {}, problem: `cannot read ${found}` };
  const parsed = parseConfig(text, CONFIG_FILE);
  if (!parsed.ok) return { options: {}, problem: parsed.errors.join("; ") };
  const config = parsed.config;
  if (!config.policies) return { options: { config } };
  const policies = policiesOf(config.policies, CONFIG_FILE);
  if (!policies.ok) return { options: {}, problem: policies.errors.join("; ") };
  // globs are matched against the path from the folder of flowc.json, as `flowc check` matches them
  const relative = path.relative(path.dirname(found), file).split(path.sep).join("/");
  const limits = policyFor(policies.policies, relative);
  return { options: { config, ...(limits ? { policy: { ...limits, source: CONFIG_FILE } } : {}) } };
}

const DISK = {
  isFile: (file: string) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  },
  exists: existsSync,
};
