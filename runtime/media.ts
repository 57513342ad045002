// Pictures of the items awaiting a decision, added to the record when a run pauses: a value that
// is an image, video or audio URL (http(s) or data:) is shown as it is; a media file inside the
// run's folder by its path there; a media file elsewhere on this machine is copied into the run's
// folder (`flowc ui` serves only what lies inside a run's own folder); otherwise the provider may
// draw one (the simulated provider does), which is kept in the run's folder too. A value may be
// the URL or path itself, or an object with a `url` or `path` field (as input files are).
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { originNode, type FlowGraph, type GraphNode, type GraphStream } from "./graph";
import type { Provider } from "./provider";
import type { RunStore } from "./runs";
import type { ItemMedia, PendingDecision, PendingItem } from "./types";

const KINDS: Record<string, ItemMedia["kind"]> = {
  png: "image",
  jpg: "image",
  jpeg: "image",
  gif: "image",
  webp: "image",
  avif: "image",
  svg: "image",
  mp4: "video",
  webm: "video",
  mov: "video",
  m4v: "video",
  mp3: "audio",
  wav: "audio",
  ogg: "audio",
  m4a: "audio",
  flac: "audio",
};

/** Adds `media` to the items of `pending` (in place). */
export async function addMedia(pending: PendingDecision[], graph: FlowGraph, provider: Provider, runs: RunStore, runId: string): Promise<void> {
  const byName = new Map<string, GraphStream>(graph.streams.map((s) => [s.name, s]));
  const folder = runs.folder?.(runId);
  const work: Promise<void>[] = [];
  for (const decision of pending) {
    const node = originNode(byName, decision.stream);
    for (const item of decision.items ?? []) {
      const media = mediaOfValue(item.value, node, folder);
      const file = media ? undefined : localFile(item.value);
      if (media) item.media = media;
      else if (file) work.push(copied(item, file, runs, runId).then((m) => void (m && (item.media = m))));
      else if (node) work.push(drawn(item, node, provider, runs, runId).then((m) => void (m && (item.media = m))));
    }
  }
  await Promise.all(work);
}

/** largest media file copied into a run's folder */
const MAX_COPY = 64 * 1024 * 1024;

/** the URL or path a value stands for: itself, or its `url` or `path` field */
function reference(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object") return undefined;
  const { url, path: file } = value as { url?: unknown; path?: unknown };
  return typeof url === "string" ? url : typeof file === "string" ? file : undefined;
}

/** An image, video or audio URL, or a media file inside the run's folder; undefined otherwise. */
export function mediaOfValue(given: unknown, node: GraphNode | undefined, folder: string | undefined): ItemMedia | undefined {
  const value = reference(given);
  if (value === undefined) return undefined;
  const data = /^data:(image|video|audio)\//.exec(value);
  if (data) return { kind: data[1] as ItemMedia["kind"], url: value };
  if (/^https?:\/\//i.test(value)) return { kind: kindOf(new URL(value).pathname) ?? (node?.op === "video" ? "video" : "image"), url: value };
  if (!folder || !path.isAbsolute(value)) return undefined;
  const relative = path.relative(folder, value);
  const kind = kindOf(value);
  if (!kind || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return { kind, path: relative.split(path.sep).join("/") };
}

/** an absolute path to a media file (outside the run's folder: mediaOfValue took those) */
function localFile(value: unknown): string | undefined {
  const file = reference(value);
  return file !== undefined && path.isAbsolute(file) && kindOf(file) ? file : undefined;
}

/** A media file of this machine, copied into the run's folder; undefined when it is not a small regular file. */
async function copied(item: PendingItem, file: string, runs: RunStore, runId: string): Promise<ItemMedia | undefined> {
  if (!runs.saveItemFile) return undefined;
  try {
    const stats = await stat(file);
    if (!stats.isFile() || stats.size > MAX_COPY) return undefined;
    const name = `${fileName(item.id)}${path.extname(file).toLowerCase()}`;
    return { kind: kindOf(file)!, path: await runs.saveItemFile(runId, name, await readFile(file)) };
  } catch {
    return undefined;
  }
}

/** stream names are identifiers, so `#` → `-` keeps file names unique and plain */
function fileName(itemId: string): string {
  return itemId.replace(/[^A-Za-z0-9_.@-]/g, "-");
}

function kindOf(file: string): ItemMedia["kind"] | undefined {
  const extension = path.extname(file).slice(1).toLowerCase();
  return KINDS[extension];
}

async function drawn(item: PendingItem, node: GraphNode, provider: Provider, runs: RunStore, runId: string): Promise<ItemMedia | undefined> {
  if (!provider.picture || !runs.saveItemFile) return undefined;
  const variant = /\.v(\d+)(@r\d+)?$/.exec(item.id);
  const picture = provider.picture({
    id: item.id,
    op: node.op,
    ...(node.model ? { model: node.model } : {}),
    ...(variant ? { variant: Number(variant[1]) } : {}),
    metrics: normalised(item.metrics, node),
    hash: typeof item.value === "string" ? item.value : JSON.stringify(item.value ?? null),
  });
  if (!picture) return undefined;
  const name = `${fileName(item.id)}.${picture.extension}`;
  return { kind: picture.kind, path: await runs.saveItemFile(runId, name, picture.data) };
}

/** metrics on 0..1 for drawing, from the op's declared ranges */
function normalised(metrics: Record<string, number>, node: GraphNode): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(metrics)) {
    const range = node.metrics[name];
    const min = range ? Number(range.min) : 0;
    const max = range ? Number(range.max) : 1;
    out[name] = max > min ? (value - min) / (max - min) : value;
  }
  return out;
}
