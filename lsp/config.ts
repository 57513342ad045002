// flowc.json for a document, found as `flowc check` finds it: the nearest one from the document's
// folder upwards, stopping at the filesystem root or at a folder holding `.git`. Read afresh for
// each analysis (a few stat calls), so an edit to flowc.json applies at the next keystroke.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { type FlowcConfig, parseConfig } from "../compiler/config";

export const CONFIG_FILE = "flowc.json";

export interface ConfigFound {
  config: FlowcConfig;
  /** why flowc.json could not be used (then the analysis runs without it) */
  problem?: string;
}

/** The config for a document at `file` (not a path on disk: none). */
export function configFor(file: string, readDisk: (file: string) => string | undefined): ConfigFound {
  if (!path.isAbsolute(file)) return { config: {} };
  const found = nearestConfig(path.dirname(file));
  if (!found) return { config: {} };
  const text = readDisk(found);
  if (text === undefined) return { config: {}, problem: `cannot read ${found}` };
  const parsed = parseConfig(text, found);
  return parsed.ok ? { config: parsed.config } : { config: {}, problem: parsed.errors.join("; ") };
}

function nearestConfig(dir: string): string | undefined {
  for (let current = dir; ; ) {
    const candidate = path.join(current, CONFIG_FILE);
    if (isFile(candidate)) return candidate;
    const parent = path.dirname(current);
    if (existsSync(path.join(current, ".git")) || parent === current) return undefined;
    current = parent;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
