// Finding and reading flowc.json for the files a command works on: `--config FILE` for all of them,
// else the nearest flowc.json from each file's folder upwards, stopping at the filesystem root or
// at a folder that holds `.git` (the top of the repository). Each config file is read once.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILE, type ConfigDisk, type FlowcConfig, nearestConfig, parseConfig } from "../compiler/config";
import { displayPath } from "./format/paths";
import type { FileHost } from "./host";

export { CONFIG_FILE };

export type ConfigLoad = { ok: true; config: FlowcConfig; file?: string } | { ok: false; message: string };

/** The flowc.json that applies to files in `dir`, if any. */
export function findConfig(dir: string): string | undefined {
  return nearestConfig(dir, LOCAL_DISK);
}

export const LOCAL_DISK: ConfigDisk = {
  isFile: (file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  },
  exists: existsSync,
};

/** Reads each config file once; `explicit` is the `--config` value, as given. */
export function configLoader(host: FileHost, cwd: string, explicit?: string): (flowFile: string) => ConfigLoad {
  const loaded = new Map<string, ConfigLoad>();
  const load = (file: string, shown: string): ConfigLoad => {
    const key = path.resolve(cwd, file);
    let result = loaded.get(key);
    if (!result) {
      result = readConfig(host, key, shown);
      loaded.set(key, result);
    }
    return result;
  };
  return (flowFile) => {
    if (explicit !== undefined) return load(explicit, explicit);
    const found = findConfig(path.dirname(path.resolve(cwd, flowFile)));
    return found ? load(found, displayPath(found, cwd)) : { ok: true, config: {} };
  };
}

function readConfig(host: FileHost, file: string, shown: string): ConfigLoad {
  const source = host.read(file);
  if (!source.ok) return { ok: false, message: `cannot read '${shown}': ${source.reason}` };
  const parsed = parseConfig(source.text, shown);
  return parsed.ok ? { ok: true, config: parsed.config, file } : { ok: false, message: parsed.errors.join("; ") };
}
