// Pictures of the items awaiting a decision, added to the record when a run pauses: a value that
// is an image, video or audio URL (http(s) or data:) is shown as it is; a file inside the run's
// folder by its path there; otherwise the provider may draw one (the simulated provider does),
// which is kept in the run's folder. Files elsewhere on disk are never shown: `flowc ui` serves
// only what lies inside a run's own folder.
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
      if (media) item.media = media;
      else if (node) work.push(drawn(item, node, provider, runs, runId).then((m) => void (m && (item.media = m))));
    }
  }
  await Promise.all(work);
}

/** An image, video or audio URL, or a file inside the run's folder; undefined otherwise. */
export function mediaOfValue(value: unknown, node: GraphNode | undefined, folder: string | undefined): ItemMedia | undefined {
  if (typeof value !== "string") return undefined;
  const data = /^data:(image|video|audio)\//.exec(value);
  if (data) return { kind: data[1] as ItemMedia["kind"], url: value };
  if (/^https?:\/\//i.test(value)) return { kind: kindOf(new URL(value).pathname) ?? (node?.op === "video" ? "video" : "image"), url: value };
  if (!folder || !path.isAbsolute(value)) return undefined;
  const relative = path.relative(folder, value);
  const kind = kindOf(value);
  if (!kind || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return { kind, path: relative.split(path.sep).join("/") };
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
  // stream names are identifiers, so `#` → `-` keeps file names unique and plain
  const name = `${item.id.replace(/[^A-Za-z0-9_.@-]/g, "-")}.${picture.extension}`;
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
