// Where a command writes. Commands never touch process.stdout directly, so they can run in-process
// in tests and their output is decided once (colour or not) at start-up.
import { readFileSync } from "node:fs";
import { colorEnabled } from "./format/colors";
import { type SourceRead, decode } from "./host";

export interface CliIo {
  /** write to standard output */
  out(text: string): void;
  /** write to standard error */
  err(text: string): void;
  /** whether standard output takes ANSI colours */
  color: boolean;
  /** the directory paths are shown relative to */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** the text of standard input (read once, when a command is given `-`) */
  stdin(): SourceRead;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: colorEnabled(process.env, process.stdout.isTTY === true),
    cwd: process.cwd(),
    env: process.env,
    stdin: readStdin,
  };
}

let stdinRead: SourceRead | undefined;

function readStdin(): SourceRead {
  if (stdinRead) return stdinRead;
  try {
    stdinRead = decode(readFileSync(0));
  } catch (error) {
    stdinRead = { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  return stdinRead;
}

/** A one-line message on standard error, the way every user-facing failure is reported. */
export function complain(io: CliIo, message: string): void {
  io.err(`flowc: ${message}\n`);
}
