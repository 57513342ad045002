// `--watch` for `check` and `cost`, as `tsc --watch` does it: run, then run again whenever one of
// the files the run read changes — the inputs, their imports, flowc.json — or a `.flow` file
// appears in a folder it searched. Node's fs.watch on the folders (not the files, so that editors
// that save by renaming a new file over the old one are seen too), changes gathered for 100 ms.
// Runs until interrupted.
import { type FSWatcher, existsSync, watch } from "node:fs";
import { CONFIG_FILE } from "../compiler/config";
import path from "node:path";
import { EXIT_USAGE, type ExitCode } from "./exit";
import { type CliIo, complain } from "./io";

/** What a run read: files (inputs, imports, flowc.json) and the folders it searched for inputs. */
export interface Watched {
  files: string[];
  folders: string[];
}

/** One run of a command, and what it read. */
export interface WatchedRun {
  exit: ExitCode;
  watched: Watched;
}

const SETTLE_MS = 100;

/** The folders where a flowc.json would apply to files in `dir`: it and those above, up to the repository's top. */
function configFolders(dir: string): string[] {
  const found: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    found.push(current);
    if (existsSync(path.join(current, ".git")) || path.dirname(current) === current) return found;
  }
}

/** Files whose appearance next to a watched file changes a run: a new flowc.json or .gitignore. */
const WATCHED_NAMES = /^(?:flowc\.json|\.gitignore)$/;

/** Without `watch`, one run and its status; with it, runs until the process is stopped. */
export async function runOrWatch(watching: boolean | undefined, args: readonly string[], io: CliIo, run: (io: CliIo) => Promise<WatchedRun>): Promise<ExitCode> {
  if (!watching) return (await run(io)).exit;
  if (args.includes("-")) {
    complain(io, "--watch cannot read standard input again: name the files");
    return EXIT_USAGE;
  }
  await watchAndRerun(io, run);
  return EXIT_USAGE;
}

async function watchAndRerun(io: CliIo, run: (io: CliIo) => Promise<WatchedRun>): Promise<never> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = false;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void once(), SETTLE_MS);
  };
  const once = async () => {
    if (running) {
      pending = true;
      return;
    }
    running = (async () => {
      const { watched } = await run(io);
      for (const w of watchers) w.close();
      watchers = watchFolders(watched, schedule);
      complain(io, `watching ${watched.files.length} files and ${watched.folders.length} folders for changes (Ctrl+C stops)`);
    })();
    await running;
    running = undefined;
    if (pending) {
      pending = false;
      schedule();
    }
  };
  await once();
  // the watchers keep the process alive; it ends when interrupted
  return new Promise<never>(() => undefined);
}

/** One watcher per folder: each watched folder itself, and the folder of each watched file. */
function watchFolders(watched: Watched, changed: () => void): FSWatcher[] {
  const folders = new Map<string, Set<string> | "all">(watched.folders.map((f) => [f, "all"]));
  const add = (dir: string, name: string) => {
    const names = folders.get(dir);
    if (names !== "all") folders.set(dir, (names ?? new Set()).add(name));
  };
  for (const file of watched.files) {
    add(path.dirname(file), path.basename(file));
    // a flowc.json that appears above a file applies to it from then on
    for (const dir of configFolders(path.dirname(file))) add(dir, CONFIG_FILE);
  }
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of folders) {
    try {
      watchers.push(
        watch(dir, (_event, name) => {
          if (name === null || names === "all" || names.has(String(name)) || WATCHED_NAMES.test(String(name))) changed();
        }),
      );
    } catch {
      // a folder that is gone: the next run will say what is missing
    }
  }
  return watchers;
}
