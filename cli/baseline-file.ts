// Reading and writing the `flowc check --baseline` snapshot (compiler/baseline.ts). Files are
// keyed by their path relative to the snapshot's folder, so it can be committed next to the flows
// and used from any working directory.
import path from "node:path";
import baselineSchema from "../schemas/flowc-baseline.schema.json";
import type { BaselineDoc } from "../compiler/baseline";
import type { FileHost } from "./host";

export type BaselineRead = { ok: true; doc: BaselineDoc } | { ok: false; errors: string[] };

export async function readBaseline(file: string, cwd: string, host: FileHost): Promise<BaselineRead> {
  const source = host.read(path.resolve(cwd, file));
  if (!source.ok) return { ok: false, errors: [`cannot read the baseline '${file}': ${source.reason}`] };
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch (error) {
    return { ok: false, errors: [`the baseline ${file} is not valid JSON: ${(error as Error).message}`] };
  }
  // loaded here: the runtime's validators bring ajv, which a check without --baseline does not need
  const { problems } = await import("../runtime/validate");
  const found = problems(baselineSchema, value);
  if (found.length > 0) return { ok: false, errors: found.map((p) => `the baseline ${file}: ${p}`) };
  return { ok: true, doc: value as BaselineDoc };
}

export async function writeBaseline(file: string, cwd: string, doc: BaselineDoc): Promise<void> {
  const { writeFileAtomic } = await import("../runtime/fsutil");
  await writeFileAtomic(path.resolve(cwd, file), JSON.stringify(doc, null, 2) + "\n");
}

/** A checked file's key in the snapshot: its path from the snapshot's folder, with forward slashes. */
export function baselineKey(baselineFile: string, file: string, cwd: string): string {
  return path.relative(path.dirname(path.resolve(cwd, baselineFile)), path.resolve(cwd, file)).split(path.sep).join("/");
}
