// flowc.json: project settings that the CLI (and the language server) find and read, and hand to
// the compiler as data. Validated against schemas/flowc-config.schema.json, with messages that
// name the key and what it accepts.
import path from "node:path";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020";
import { ajv2020 } from "./ajv";
import configSchema from "../schemas/flowc-config.schema.json";
import { CODES, type DiagnosticCode, type Severity } from "../syntax/diagnostics";
import type { PolicyDoc } from "./policy";

export type RuleLevel = Severity | "off";

/** A rule's options (eslint's `[level, options]`): only the saving lints FLOW401/402/404/406 take one. */
export interface RuleOptions {
  /** the smallest saving worth a hint: a percent of the expected spend ("1%") or credits */
  minSaving?: string | number;
}

/** `"hint"`, or `["hint", { "minSaving": "2%" }]` */
export type RuleEntry = RuleLevel | [RuleLevel, RuleOptions];

export interface FlowcConfig {
  /** the project's flows, globs from flowc.json's folder (default `**\/*.flow`): what a bare command works on */
  include?: string[];
  /** globs from flowc.json's folder that `include` matches but a bare command leaves out */
  exclude?: string[];
  /** severity per diagnostic code, or "off"; with options for the rules that take them */
  rules?: Partial<Record<DiagnosticCode, RuleEntry>>;
  /** limits for the flows matching each entry's globs (compiler/policy.ts) */
  policies?: PolicyDoc[];
}

export const RULE_LEVELS: readonly RuleLevel[] = ["error", "warning", "hint", "off"];

/** The level a rule entry sets. */
export function ruleLevel(entry: RuleEntry | undefined): RuleLevel | undefined {
  return Array.isArray(entry) ? entry[0] : entry;
}

/**
 * Errors that stop compilation (syntax, names, types) always apply: no flowc.json rule and no
 * flowc-ignore comment can lower or hide them, since without them there is no model to price.
 */
export function alwaysApplies(code: DiagnosticCode): boolean {
  return CODES[code].severity === "error" && /^FLOW[12]/.test(code);
}

export type ConfigParse = { ok: true; config: FlowcConfig } | { ok: false; errors: string[] };

let validator: ValidateFunction | undefined;

/** Parse and validate the text of a flowc.json; `name` (as the user knows the file) starts every error. */
export function parseConfig(text: string, name: string): ConfigParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`${name}: not valid JSON (${error instanceof Error ? error.message : String(error)})`] };
  }
  validator ??= new (ajv2020())({ allErrors: true }).compile(configSchema);
  if (validator(value)) return { ok: true, config: value as FlowcConfig };
  return { ok: false, errors: [...new Set((validator.errors ?? []).map((e) => `${name}: ${describe(e)}`))] };
}

const LEVELS_TEXT = RULE_LEVELS.map((l) => JSON.stringify(l)).join(", ");

/** The rules that take options (the saving lints): one message for whatever is wrong with an entry. */
const RULES_WITH_OPTIONS = /^rules\.(FLOW40[1246])(\.|$)/;

function describe(error: ErrorObject): string {
  const where = error.instancePath.slice(1).split("/").join(".");
  const withOptions = RULES_WITH_OPTIONS.exec(where);
  if (withOptions) return `rules.${withOptions[1]} must be one of ${LEVELS_TEXT}, or [level, { "minSaving": "2%" }] (a percent of the expected spend, or a number of credits)`;
  if (error.keyword === "additionalProperties") {
    const key = (error.params as { additionalProperty: string }).additionalProperty;
    if (where === "rules") return unknownRule(key);
    if (where.startsWith("policies.")) return `unknown key ${where}."${key}" (a policy accepts: ${Object.keys(configSchema.$defs.policy.properties).join(", ")})`;
    return `unknown key ${where ? `${where}.` : ""}"${key}" (flowc.json accepts: ${Object.keys(configSchema.properties).filter((k) => k !== "$schema").join(", ")})`;
  }
  if (error.keyword === "enum" && where.startsWith("rules.")) return `${where} must be one of ${LEVELS_TEXT}`;
  if (error.keyword === "type" && where === "") return "must hold a JSON object";
  if (error.keyword === "type" && where === "rules") return `rules must be an object mapping diagnostic codes to ${LEVELS_TEXT}`;
  return `${where || "(root)"} ${error.message ?? "is invalid"}`;
}

function unknownRule(key: string): string {
  if (!(key in CODES)) return `rules.${key} is not a flowc diagnostic code`;
  return `rules.${key} cannot be configured: errors that stop compilation (FLOW101, FLOW102, FLOW201 to FLOW213, FLOW215) always apply`;
}

export const CONFIG_FILE = "flowc.json";

/** What the search for flowc.json needs from the file system (the compiler does no IO itself). */
export interface ConfigDisk {
  isFile(file: string): boolean;
  exists(file: string): boolean;
}

/**
 * The flowc.json that applies to files in `dir`: the nearest one from `dir` upwards, stopping at
 * the filesystem root or at a folder that holds `.git` (the top of the repository).
 */
export function nearestConfig(dir: string, disk: ConfigDisk): string | undefined {
  const found = upwards(dir, (folder) => (disk.isFile(path.join(folder, CONFIG_FILE)) ? "found" : disk.exists(path.join(folder, ".git")) ? "stop" : "on"));
  return found === undefined ? undefined : path.join(found, CONFIG_FILE);
}

/**
 * The root of the project that files in `dir` belong to, as eslint and git find theirs: the folder
 * of the nearest flowc.json (found as above), else the nearest folder holding `package.json` or
 * `.git`; undefined outside any project. The CLI keeps run state in `.flowc/` there.
 */
export function projectRoot(dir: string, disk: ConfigDisk): string | undefined {
  const config = nearestConfig(dir, disk);
  if (config !== undefined) return path.dirname(config);
  return upwards(dir, (folder) => (disk.exists(path.join(folder, "package.json")) || disk.exists(path.join(folder, ".git")) ? "found" : "on"));
}

/** The first folder from `dir` upwards that `visit` finds, unless it stops first or reaches the root. */
function upwards(dir: string, visit: (folder: string) => "found" | "stop" | "on"): string | undefined {
  for (let current = path.resolve(dir); ; ) {
    const verdict = visit(current);
    if (verdict === "found") return current;
    const parent = path.dirname(current);
    if (verdict === "stop" || parent === current) return undefined;
    current = parent;
  }
}
