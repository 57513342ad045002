// The settings flowc.json gives one file, as `analyzeFile` options: its lint `rules` and the policy
// whose globs match the file (FLOW501–FLOW506). Globs are matched against the file's path from the
// folder of the flowc.json that applies to it.
import path from "node:path";
import type { AnalyzeOptions } from "../compiler/index";
import { type Policy, policiesOf, policyFor } from "../compiler/policy";
import { type ConfigLoad, configLoader } from "./config-lookup";
import type { FileHost } from "./host";

export type FileSettings = { ok: true; options: Pick<AnalyzeOptions, "config" | "policy"> } | { ok: false; message: string };

/** `explicit` is `--config FILE`; otherwise each file gets the nearest flowc.json above it. */
export function settingsLoader(host: FileHost, cwd: string, explicit?: string): (file: string) => FileSettings {
  const configFor = configLoader(host, cwd, explicit);
  const policies = new Map<string, { ok: true; policies: Policy[] } | { ok: false; errors: string[] }>();
  return (file) => {
    const load: ConfigLoad = configFor(file);
    if (!load.ok) return { ok: false, message: load.message };
    const { config } = load;
    if (!load.file || !config.policies) return { ok: true, options: { config } };
    let known = policies.get(load.file);
    if (!known) {
      known = policiesOf(config.policies, path.basename(load.file));
      policies.set(load.file, known);
    }
    if (!known.ok) return { ok: false, message: known.errors.join("; ") };
    const relative = path.relative(path.dirname(load.file), path.resolve(cwd, file)).split(path.sep).join("/");
    const limits = policyFor(known.policies, relative);
    return { ok: true, options: { config, ...(limits ? { policy: { ...limits, source: path.basename(load.file) } } : {}) } };
  };
}
