// What `check`, `cost`, `fmt`, `diff` and `compile` are given to work on, turned into files as
// eslint and prettier do it: a file is itself; a folder is its `.flow` files; a glob (quoted, so
// the shell leaves it alone) is the files it matches; `-` is standard input, named by
// `--stdin-filepath` (imports and flowc.json are found from that path); and nothing at all is the
// project: flowc.json's `include` minus `exclude` from its folder, else every `.flow` file under
// the working directory. Folders, globs and the project leave out what .gitignore ignores.
import fs, { existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseConfig } from "../compiler/config";
import { isGlob } from "../compiler/glob";
import { FLOW_GLOB, IgnoreRules, type ProjectDisk, filesMatching, filesUnder, projectDisk, repositoryRoot } from "../compiler/project-files";
import { findConfig } from "./config-lookup";
import { displayPath } from "./format/paths";
import { type FileHost, createFileHost } from "./host";
import type { CliIo } from "./io";
import type { Watched } from "./watch";

export const STDIN = "-";
/** how standard input is named when `--stdin-filepath` does not name it */
export const STDIN_NAME = "<stdin>";

export interface InputOptions {
  /** the path standard input stands for */
  stdinFilepath?: string;
}

export interface Inputs {
  /** the files, each once, in the order given (a folder's or a glob's sorted by code point) */
  files: string[];
  /** reads them (standard input included) and their imports */
  host: FileHost;
  /** what could not be expanded: a glob or folder that holds no `.flow` file (exit 2) */
  problems: string[];
  /** whether one of the files is standard input */
  stdin: boolean;
  /** the folders looked through to find the files (where a new file would appear) */
  folders: string[];
}

/** What `--watch` watches after a run over these inputs: every file read (imports and flowc.json too) and the folders searched. */
export function watchedBy(inputs: Inputs): Watched {
  return { files: inputs.host.asked(), folders: inputs.folders };
}

export type InputsResult = { ok: true; inputs: Inputs } | { ok: false; message: string };

export const LOCAL_PROJECT_DISK: ProjectDisk = projectDisk(fs);

/** The files `args` stand for; bad usage (`-` twice, `--stdin-filepath` without `-`, a broken flowc.json) is a message. */
export function expandInputs(args: readonly string[], io: CliIo, options: InputOptions = {}): InputsResult {
  const stdinCount = args.filter((a) => a === STDIN).length;
  if (stdinCount > 1) return { ok: false, message: `'${STDIN}' (standard input) may be given once` };
  if (options.stdinFilepath !== undefined && stdinCount === 0) return { ok: false, message: `--stdin-filepath names standard input: give '${STDIN}' as well` };
  const overlay = new Map<string, string>();
  if (stdinCount === 1) {
    const input = io.stdin();
    if (!input.ok) return { ok: false, message: `cannot read standard input: ${input.reason}` };
    overlay.set(path.resolve(io.cwd, stdinName(options)), input.text);
  }
  const host = createFileHost(io.cwd, overlay);
  const folders: string[] = [];
  const disk: ProjectDisk = { read: LOCAL_PROJECT_DISK.read, list: (dir) => (folders.push(dir), LOCAL_PROJECT_DISK.list(dir)) };
  const ignoreRules = new IgnoreRules(repositoryRoot(io.cwd, existsSync), disk);
  const found: string[] = [];
  const problems: string[] = [];
  if (args.length === 0) {
    const project = projectFiles(io, host, ignoreRules, disk);
    if (!project.ok) return project;
    found.push(...project.files);
    if (project.files.length === 0) problems.push(`no .flow files in the project (${project.where})`);
  }
  for (const arg of args) {
    if (arg === STDIN) found.push(stdinName(options));
    else expandOne(arg, { cwd: io.cwd, ignoreRules, disk }, found, problems);
  }
  return { ok: true, inputs: { files: distinct(found, io.cwd), host, problems, stdin: stdinCount === 1, folders } };
}

function stdinName(options: InputOptions): string {
  return options.stdinFilepath ?? STDIN_NAME;
}

interface Walk {
  cwd: string;
  ignoreRules: IgnoreRules;
  disk: ProjectDisk;
}

function expandOne(arg: string, { cwd, ignoreRules, disk }: Walk, found: string[], problems: string[]): void {
  const absolute = path.resolve(cwd, arg);
  const kind = kindOf(absolute);
  if (kind === "file" || (kind === undefined && !isGlob(arg))) {
    found.push(arg); // a missing file is reported when it is read, with the reason
    return;
  }
  const files = kind === "folder" ? filesUnder(absolute, { ignore: ignoreRules }, disk) : filesMatching(arg, cwd, ignoreRules, disk);
  if (files.length === 0) problems.push(kind === "folder" ? `no .flow files in '${arg}'` : `no files match '${arg}'`);
  found.push(...files.map((f) => shown(f, arg, cwd)));
}

/** Relative to the working directory, unless the argument was an absolute path. */
function shown(file: string, arg: string, cwd: string): string {
  return path.isAbsolute(arg) ? file : displayPath(file, cwd);
}

function kindOf(file: string): "file" | "folder" | undefined {
  try {
    return statSync(file).isDirectory() ? "folder" : "file";
  } catch {
    return undefined;
  }
}

type ProjectListing = { ok: true; files: string[]; where: string } | { ok: false; message: string };

/** A bare command: flowc.json's `include`/`exclude` from its folder, else every `.flow` file here. */
function projectFiles(io: CliIo, host: FileHost, ignoreRules: IgnoreRules, disk: ProjectDisk): ProjectListing {
  const configFile = findConfig(io.cwd);
  if (!configFile) {
    const files = filesUnder(io.cwd, { ignore: ignoreRules }, disk);
    return { ok: true, files: files.map((f) => displayPath(f, io.cwd)), where: `${FLOW_GLOB} under the working directory, no flowc.json` };
  }
  const source = host.read(configFile);
  const shownConfig = displayPath(configFile, io.cwd);
  if (!source.ok) return { ok: false, message: `cannot read '${shownConfig}': ${source.reason}` };
  const parsed = parseConfig(source.text, shownConfig);
  if (!parsed.ok) return { ok: false, message: parsed.errors.join("; ") };
  const { include, exclude } = parsed.config;
  const root = path.dirname(configFile);
  const files = filesUnder(root, { include, exclude, ignore: ignoreRules }, disk);
  return { ok: true, files: files.map((f) => displayPath(f, io.cwd)), where: `${(include ?? [FLOW_GLOB]).join(", ")} from ${shownConfig}` };
}

/** Each file once, in the order given. */
export function distinct(files: readonly string[], cwd: string): string[] {
  const byPath = new Map<string, string>();
  for (const file of files) if (!byPath.has(path.resolve(cwd, file))) byPath.set(path.resolve(cwd, file), file);
  return [...byPath.values()];
}
