// The built-in ops of the contract (section 4): their metrics with ranges, whether they take
// batches, the JSON Schema their `param`s are validated against (FLOW210), and what their outputs
// are (the item types of a compiled module's outputs).
import type { MediaType } from "../syntax/ast";

export interface OpInfo {
  name: string;
  metrics: Record<string, { min: string; max: string }>;
  batchable: boolean;
  /** JSON Schema for the params object */
  schema: Record<string, unknown>;
  builtin: boolean;
  /**
   * What the outputs are: a media type, or `source` for ops that annotate the items they read
   * (checks). Absent for user-declared ops: flowc does not know.
   */
  makes?: MediaType | "source";
}

const unit = { min: "0", max: "1" };

const promptParams = {
  prompt: { type: "string", minLength: 1 },
  negative_prompt: { type: "string" },
  seed: { type: "integer", minimum: 0 },
  steps: { type: "integer", minimum: 1, maximum: 200 },
  guidance: { type: "number", minimum: 0, maximum: 30 },
  style_strength: { type: "number", minimum: 0, maximum: 1 },
};

function schema(properties: Record<string, unknown>): Record<string, unknown> {
  return { type: "object", properties, additionalProperties: false };
}

function op(name: string, makes: MediaType | "source", metrics: string[], batchable: boolean, properties: Record<string, unknown>): OpInfo {
  return { name, metrics: Object.fromEntries(metrics.map((m) => [m, unit])), batchable, schema: schema(properties), builtin: true, makes };
}

export const BUILTIN_OPS: ReadonlyMap<string, OpInfo> = new Map(
  [
    op("generate", "image", ["aesthetic", "prompt_match"], false, promptParams),
    op("upscale", "image", ["sharpness"], false, { scale: { type: "integer", enum: [2, 4, 8] }, denoise: { type: "number", minimum: 0, maximum: 1 } }),
    op("video", "video", ["motion", "aesthetic"], false, { ...promptParams, fps: { type: "integer", enum: [12, 24, 25, 30, 60] }, camera: { type: "string" } }),
    op("face_detect", "source", ["confidence"], true, { min_face_size: { type: "integer", minimum: 1 } }),
    op("quality_check", "source", ["sharpness", "legibility", "aesthetic"], true, { rubric: { type: "string" } }),
    op("style_extract", "json", ["consistency"], false, { strength: { type: "number", minimum: 0, maximum: 1 } }),
    op("character_extract", "json", ["consistency"], false, { name: { type: "string" }, views: { type: "integer", minimum: 1, maximum: 16 } }),
    op("caption", "text", ["confidence"], true, { language: { type: "string", pattern: "^[a-z]{2}(-[A-Z]{2})?$" }, max_words: { type: "integer", minimum: 1 }, tone: { type: "string" } }),
    op("tag", "json", ["confidence"], true, { vocabulary: { type: "array", items: { type: "string" } }, max_tags: { type: "integer", minimum: 1 } }),
    op("convert", "source", [], true, { format: { type: "string", enum: ["png", "jpeg", "webp", "mp4", "webm", "gif", "txt", "json"] }, quality: { type: "integer", minimum: 1, maximum: 100 } }),
  ].map((o) => [o.name, o]),
);
