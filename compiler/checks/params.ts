// FLOW210: node params against the op's JSON Schema (ajv 8). The built-in ops' schemas are
// compiled ahead of time (builtin-params.generated.ts): compiling them when a check starts took a
// third of the start-up of `flowc check` on a small file, most of it ajv compiling its meta-schema.
// A user's schema is compiled once and cached, by identity and by its JSON text.
import type Ajv from "ajv";
import type { ErrorObject, Options, ValidateFunction } from "ajv";
import { ajvDraft7 } from "../ajv";
import type { Ident, NodeDecl, Range, Value } from "../../syntax/ast";
import { BUILTIN_OPS, type OpInfo } from "../builtins";
import { diag, type Diagnostic } from "../../syntax/diagnostics";
import { didYouMean } from "../suggest";
import * as precompiled from "./builtin-params.generated";

// Unknown keywords are errors (they are typos in a user's schema), but the stylistic strict rules
// are off: they would reject valid schemas or write warnings to the console.
// `addUsedSchema: false`: two user schemas with the same `$id` must not collide in one instance.
// `validateFormats: false`: no format plugin ships with the project, and strict mode would reject
// every `format` keyword instead of ignoring it.
export const PARAMS_AJV_OPTIONS: Options = {
  allErrors: true,
  strictSchema: true,
  strictNumbers: true,
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  validateFormats: false,
  addUsedSchema: false,
  logger: false,
};

let ajv: Ajv | undefined;

export type CompiledSchema = { validate: ValidateFunction } | { error: string };

const byObject = new WeakMap<object, CompiledSchema>();
const byText = new Map<string, CompiledSchema>();
const MAX_CACHED_TEXTS = 500;

const validators = precompiled as unknown as Record<string, ValidateFunction | undefined>;
for (const op of BUILTIN_OPS.values()) {
  const validate = validators[op.name];
  if (validate !== undefined) byObject.set(op.schema, { validate });
}

/** Compile a JSON Schema once; an invalid schema yields ajv's message instead of throwing. */
export function compileSchema(schema: Record<string, unknown>): CompiledSchema {
  const known = byObject.get(schema);
  if (known) return known;
  const text = JSON.stringify(schema);
  let compiled = byText.get(text);
  if (!compiled) {
    compiled = compileFresh(schema);
    // A language server recompiles while the user types a schema: keep the cache bounded.
    if (byText.size >= MAX_CACHED_TEXTS) byText.clear();
    byText.set(text, compiled);
  }
  byObject.set(schema, compiled);
  return compiled;
}

function compileFresh(schema: Record<string, unknown>): CompiledSchema {
  try {
    ajv ??= new (ajvDraft7())(PARAMS_AJV_OPTIONS);
    return { validate: ajv.compile(schema) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** A param value as the JSON it stands for. Params are not credits, so numbers may be floats. */
export function paramJson(value: Value): unknown {
  switch (value.kind) {
    case "string":
    case "bool":
      return value.value;
    case "number":
      return Number(value.value);
    case "list":
      return value.items.map(paramJson);
  }
}

interface ParamSite {
  name: Ident;
  value: Value;
}

/** Validate a node's params (first occurrence of each name) against its op's schema. */
export function paramDiagnostics(node: NodeDecl, op: OpInfo, params: Record<string, unknown>, sites: Map<string, ParamSite>): Diagnostic[] {
  const compiled = compileSchema(op.schema);
  if (!("validate" in compiled)) return []; // reported once, on the op's schema string
  if (compiled.validate(params)) return [];
  return (compiled.validate.errors ?? []).map((error) => paramError(error, node.op, op, sites));
}

function paramError(error: ErrorObject, opIdent: Ident, op: OpInfo, sites: Map<string, ParamSite>): Diagnostic {
  const path = error.instancePath.split("/").slice(1).map(unescapePointer);
  const message = describe(error);
  if (path.length === 0) return rootError(error, message, opIdent, op, sites);
  const [name, ...rest] = path as [string, ...string[]];
  const site = sites.get(name);
  const label = name + rest.map((segment) => `[${segment}]`).join("");
  const range = site ? valueRange(site.value, rest) : opIdent.range;
  return diag("FLOW210", `param '${label}' of ${op.name} ${message}`, range);
}

function rootError(error: ErrorObject, message: string, opIdent: Ident, op: OpInfo, sites: Map<string, ParamSite>): Diagnostic {
  if (error.keyword === "additionalProperties") {
    const name = String(error.params.additionalProperty);
    const known = Object.keys(((op.schema.properties as Record<string, unknown> | undefined) ?? {}));
    const range = sites.get(name)?.name.range ?? opIdent.range;
    return diag("FLOW210", `unknown param '${name}' of ${op.name}${didYouMean(name, known)}`, range);
  }
  if (error.keyword === "required") {
    return diag("FLOW210", `param '${String(error.params.missingProperty)}' of ${op.name} is required`, opIdent.range);
  }
  return diag("FLOW210", `params of ${op.name} ${message}`, opIdent.range);
}

function describe(error: ErrorObject): string {
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    return `must be one of ${error.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(", ")}`;
  }
  return error.message ?? `fails '${error.keyword}'`;
}

/** The range of the list item a JSON pointer names inside a param value. */
function valueRange(value: Value, path: string[]): Range {
  let current = value;
  for (const segment of path) {
    const item = current.kind === "list" ? current.items[Number(segment)] : undefined;
    if (!item) break;
    current = item;
  }
  return current.range;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}
