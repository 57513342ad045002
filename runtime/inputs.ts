// Inputs from files and folders: media files are one item each, text files one item per non-empty
// line, JSON files one item per array element. Everything is read and counted before the run
// starts, so a missing or unreadable input stops it before any credit is spent.
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { InputError } from "./errors";
import type { FlowGraph, GraphInput } from "./graph";
import { hashValue, sha256 } from "./hash";
import { dict, own } from "./own";
import { compareCodePoints } from "../syntax/order";

export interface InputItem {
  value: unknown;
  hash: string;
}

const EXTENSIONS: Record<GraphInput["mediaType"], string[]> = {
  image: [".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif", ".heic"],
  video: [".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v"],
  audio: [".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac", ".opus"],
  text: [".txt", ".md", ".csv", ".tsv", ".json"],
  json: [".json", ".jsonl"],
};

/**
 * Reads every given input (NAME → one or more file or folder paths, in order); throws InputError
 * naming the input and the path.
 */
export async function loadInputs(graph: FlowGraph, given: Record<string, string | string[]>, cwd = process.cwd()): Promise<Record<string, InputItem[]>> {
  const inputs = new Map(graph.streams.filter((s): s is GraphInput => s.kind === "input").map((s) => [s.name, s]));
  const loaded = dict<InputItem[]>();
  for (const name of Object.keys(given).sort()) {
    const input = inputs.get(name);
    if (!input) throw new InputError(name, `flow ${graph.flow} has no input named ${name} (inputs: ${[...inputs.keys()].join(", ") || "none"})`);
    const paths = [own(given, name) ?? []].flat().map((p) => path.resolve(cwd, p));
    const items: InputItem[] = [];
    for (const file of paths) items.push(...(await readInput(input, file)));
    checkCount(input, items.length, paths.join(", "));
    loaded[name] = items;
  }
  return loaded;
}

export function checkCount(input: GraphInput, count: number, source: string): void {
  if (input.single && count !== 1) throw new InputError(input.name, `${source} holds ${count} items; the input takes exactly one`);
  if (count > input.max) throw new InputError(input.name, `${source} holds ${count} items; the input takes at most ${input.max}`);
  if (count < input.min) throw new InputError(input.name, `${source} holds ${count} items; the input needs at least ${input.min}`);
}

/** One hash for all of an input's items: a resume checks its files did not change. */
export function inputDigest(items: InputItem[]): string {
  return sha256(items.map((i) => i.hash).join(","));
}

async function readInput(input: GraphInput, file: string): Promise<InputItem[]> {
  let stats;
  try {
    stats = await stat(file);
  } catch (error) {
    throw new InputError(input.name, `cannot read ${file}: ${reason(error)}`);
  }
  if (!stats.isDirectory()) return readFileItems(input, file);
  const names = (await readdir(file)).filter((n) => !n.startsWith(".") && EXTENSIONS[input.mediaType].includes(path.extname(n).toLowerCase())).sort(compareCodePoints);
  if (names.length === 0) throw new InputError(input.name, `${file} holds no ${input.mediaType} files (${EXTENSIONS[input.mediaType].join(" ")})`);
  const items: InputItem[] = [];
  for (const name of names) items.push(...(await readFileItems(input, path.join(file, name))));
  return items;
}

async function readFileItems(input: GraphInput, file: string): Promise<InputItem[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError(input.name, `cannot read ${file}: ${reason(error)}`);
  }
  const ext = path.extname(file).toLowerCase();
  if (input.mediaType === "json" || (input.mediaType === "text" && ext === ".json")) return jsonItems(input, file, utf8Text(input, file, bytes));
  if (input.mediaType === "text") return textItems(utf8Text(input, file, bytes));
  const hash = createHash("sha256").update(bytes).digest("hex");
  return [{ value: { path: file, bytes: bytes.length }, hash }];
}

/**
 * The file's text; a file that is not UTF-8 is refused (decoding it anyway would turn different
 * bytes into the same replacement characters, and two files into one cache entry).
 */
function utf8Text(input: GraphInput, file: string, bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new InputError(input.name, `${file} is not UTF-8 text: the byte at offset ${firstInvalidUtf8(bytes)} does not decode (save the file as UTF-8)`);
  const text = bytes.toString("utf8");
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return -1;
}

/** The length of the valid UTF-8 sequence starting at `i`, 0 when there is none. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i]!;
  if (b < 0x80) return 1;
  const [length, low, high] = b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : [0, 0, 0];
  if (length === 0 || i + length > bytes.length) return 0;
  if (bytes[i + 1]! < low || bytes[i + 1]! > high) return 0;
  for (let k = 2; k < length; k++) if (bytes[i + k]! < 0x80 || bytes[i + k]! > 0xbf) return 0;
  return length;
}

function textItems(text: string): InputItem[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => ({ value: line, hash: hashValue(line) }));
}

function jsonItems(input: GraphInput, file: string, text: string): InputItem[] {
  const values = file.toLowerCase().endsWith(".jsonl") ? text.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => parseJson(input, file, l)) : toList(parseJson(input, file, text));
  return values.map((value) => ({ value, hash: hashValue(value) }));
}

function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function parseJson(input: GraphInput, file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(input.name, `${file} is not valid JSON: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error && typeof (error as { code: unknown }).code === "string") {
    const code = (error as { code: string }).code;
    if (code === "ENOENT") return "no such file or folder";
    if (code === "EACCES") return "permission denied";
    return code;
  }
  return error instanceof Error ? error.message : String(error);
}
