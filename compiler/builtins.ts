// The built-in ops of the contract (section 4): their metrics with ranges, whether they take
// batches, and the JSON Schema their `param`s are validated against (FLOW210).

export interface OpInfo {
  name: string;
  metrics: Record<string, { min: string; max: string }>;
  batchable: boolean;
  /** JSON Schema for the params object */
  schema: Record<string, unknown>;
  builtin: boolean;
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

function op(name: string, metrics: string[], batchable: boolean, properties: Record<string, unknown>): OpInfo {
  return { name, metrics: Object.fromEntries(metrics.map((m) => [m, unit])), batchable, schema: schema(properties), builtin: true };
}

export const BUILTIN_OPS: ReadonlyMap<string, OpInfo> = new Map(
  [
    op("generate", ["aesthetic", "prompt_match"], false, promptParams),
    op("upscale", ["sharpness"], false, { scale: { type: "integer", enum: [2, 4, 8] }, denoise: { type: "number", minimum: 0, maximum: 1 } }),
    op("video", ["motion", "aesthetic"], false, { ...promptParams, fps: { type: "integer", enum: [12, 24, 25, 30, 60] }, camera: { type: "string" } }),
    op("face_detect", ["confidence"], true, { min_face_size: { type: "integer", minimum: 1 } }),
    op("quality_check", ["sharpness", "legibility", "aesthetic"], true, { rubric: { type: "string" } }),
    op("style_extract", ["consistency"], false, { strength: { type: "number", minimum: 0, maximum: 1 } }),
    op("character_extract", ["consistency"], false, { name: { type: "string" }, views: { type: "integer", minimum: 1, maximum: 16 } }),
    op("caption", ["confidence"], true, { language: { type: "string", pattern: "^[a-z]{2}(-[A-Z]{2})?$" }, max_words: { type: "integer", minimum: 1 }, tone: { type: "string" } }),
    op("tag", ["confidence"], true, { vocabulary: { type: "array", items: { type: "string" } }, max_tags: { type: "integer", minimum: 1 } }),
    op("convert", [], true, { format: { type: "string", enum: ["png", "jpeg", "webp", "mp4", "webm", "gif", "txt", "json"] }, quality: { type: "integer", minimum: 1, maximum: 100 } }),
  ].map((o) => [o.name, o]),
);
