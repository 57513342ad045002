// The only place the CLI reads source files. It tells a missing file from a directory or a binary
// file, so that every unreadable input gets a one-line reason, and keeps what it read so the text
// formatter can print source lines of imported files too.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { SourceHost } from "../compiler/index";

export type SourceRead = { ok: true; text: string } | { ok: false; reason: string };

export interface FileHost extends SourceHost {
  /** read a file named on the command line, with the reason when it cannot be used */
  read(file: string): SourceRead;
  /** the text of a file read earlier (a checked file or an import) */
  textOf(file: string): string | undefined;
  /** every file asked for so far, read or not, as absolute paths (what `--watch` watches) */
  asked(): string[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A host over the file system; `overlay` (absolute path → text) stands in for files, as standard input does. */
export function createFileHost(cwd: string, overlay?: ReadonlyMap<string, string>): FileHost {
  if (!overlay || overlay.size === 0) return hostOver(cwd, readSource);
  return hostOver(cwd, (absolute) => {
    const text = overlay.get(absolute);
    return text === undefined ? readSource(absolute) : { ok: true, text };
  });
}

/** A host over `readAt` (given absolute paths) that keeps every text it read, by absolute path. */
export function hostOver(cwd: string, readAt: (absolute: string) => SourceRead): FileHost {
  const texts = new Map<string, string>();
  const asked = new Set<string>();
  const key = (file: string) => path.resolve(cwd, file);
  const read = (file: string): SourceRead => {
    asked.add(key(file));
    const result = readAt(key(file));
    if (result.ok) texts.set(key(file), result.text);
    return result;
  };
  return {
    read,
    readFile: (file) => {
      const result = read(file);
      return result.ok ? result.text : undefined;
    },
    textOf: (file) => texts.get(key(file)),
    asked: () => [...asked],
  };
}

function readSource(file: string): SourceRead {
  try {
    if (statSync(file).isDirectory()) return { ok: false, reason: "is a directory" };
    return decode(readFileSync(file));
  } catch (error) {
    return { ok: false, reason: describeIoError(error) };
  }
}

export function decode(bytes: Buffer): SourceRead {
  if (bytes.includes(0)) return { ok: false, reason: "is a binary file (it contains NUL bytes)" };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, reason: "is not valid UTF-8 text" };
  }
}

const IO_REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ENAMETOOLONG: "the file name is too long",
  ELOOP: "too many symbolic links",
};

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && IO_REASONS[code]) return IO_REASONS[code];
  return error instanceof Error ? error.message : String(error);
}
