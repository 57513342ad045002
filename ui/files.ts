// Item files (pictures) are served from inside their run's folder and nowhere else: the path is
// resolved against the folder, symbolic links are followed, and what they lead to must still lie
// inside the folder's own real path.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mov": "video/quicktime",
  ".m4v": "video/mp4",
  ".mp3": "audio/mpeg",
  ".wav": "audio/wav",
  ".ogg": "audio/ogg",
  ".m4a": "audio/mp4",
  ".flac": "audio/flac",
};

export interface ItemFile {
  file: string;
  type: string;
  size: number;
}

/** The file at `relative` inside `folder`, or undefined when it is outside, missing or not media. */
export async function itemFile(folder: string, relative: string): Promise<ItemFile | undefined> {
  if (relative.includes("\0")) return undefined;
  const type = TYPES[path.extname(relative).toLowerCase()];
  if (!type) return undefined;
  try {
    const root = await realpath(folder);
    const real = await realpath(path.resolve(root, relative));
    if (!real.startsWith(root + path.sep)) return undefined;
    const stats = await stat(real);
    return stats.isFile() ? { file: real, type, size: stats.size } : undefined;
  } catch {
    return undefined;
  }
}
