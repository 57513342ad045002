// Models and ops visible to a flow: built-in ops, then imports, the file's top level and the flow
// itself, in that order. A user op with a built-in's name replaces the built-in; any other repeat
// is a FLOW202 (models and ops each have their own namespace).
import type { MetricProp, ModelDecl, OpDecl, Range, StringLit } from "../syntax/ast";
import { BUILTIN_OPS, type OpInfo } from "./builtins";
import { ZERO, dec } from "../syntax/credits";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import type { ModelInfo } from "./model";
import { firstOfEach } from "./props";
import { compileSchema } from "./checks/params";

/** Declarations from one file; `file` is set for imported files (their diagnostics carry it). */
export interface DeclSource {
  decls: readonly (ModelDecl | OpDecl)[];
  file?: string;
}

export interface Catalog {
  models: Map<string, ModelInfo>;
  ops: Map<string, OpInfo>;
}

interface Origin {
  range: Range;
  file?: string;
}

/** Models and ops built without a diagnostic, by declaration: the same declaration, the same object. */
export interface CatalogMemo {
  models: WeakMap<ModelDecl, ModelInfo>;
  ops: WeakMap<OpDecl, OpInfo>;
}

export function buildCatalog(sources: readonly DeclSource[], sink: Diagnostic[], memo?: CatalogMemo): Catalog {
  const models = new Map<string, ModelInfo>();
  const ops = new Map<string, OpInfo>(BUILTIN_OPS);
  const modelOrigins = new Map<string, Origin>();
  const opOrigins = new Map<string, Origin>();
  for (const source of sources) {
    const local: Diagnostic[] = [];
    for (const decl of source.decls) {
      const origins = decl.kind === "model" ? modelOrigins : opOrigins;
      const earlier = origins.get(decl.name.text);
      if (earlier) {
        local.push(diag("FLOW202", `duplicate ${decl.kind} '${decl.name.text}' (first declared ${where(earlier, source.file)})`, decl.name.range));
        continue;
      }
      origins.set(decl.name.text, { range: decl.name.range, file: source.file });
      if (decl.kind === "model") models.set(decl.name.text, remembered(memo?.models, decl, local, modelInfo));
      else ops.set(decl.name.text, remembered(memo?.ops, decl, local, opInfo));
    }
    sink.push(...local.map((d) => (source.file === undefined ? d : { ...d, file: source.file })));
  }
  return { models, ops };
}

function remembered<D extends object, I>(known: WeakMap<D, I> | undefined, decl: D, sink: Diagnostic[], build: (decl: D, sink: Diagnostic[]) => I): I {
  const found = known?.get(decl);
  if (found) return found;
  const before = sink.length;
  const info = build(decl, sink);
  if (known && sink.length === before) known.set(decl, info);
  return info;
}

function where(origin: Origin, currentFile: string | undefined): string {
  const line = `line ${origin.range.start.line}`;
  return origin.file !== undefined && origin.file !== currentFile ? `in ${origin.file} on ${line}` : `on ${line}`;
}

function modelInfo(decl: ModelDecl, sink: Diagnostic[]): ModelInfo {
  const props = firstOfEach(decl.props, (p) => p.kind, `model '${decl.name.text}'`, sink);
  const rate = props.get("rate");
  const overhead = props.get("overhead");
  const family = props.get("family");
  const units: ModelInfo["units"] = [];
  if (rate?.kind === "rate") {
    for (const unit of rate.units) {
      if (units.includes(unit.unit)) sink.push(diag("FLOW212", `'per ${unit.unit}' is given twice in the rate of model '${decl.name.text}'`, unit.range));
      else units.push(unit.unit);
    }
  }
  return {
    name: decl.name.text,
    rate: rate?.kind === "rate" ? dec(rate.amount.value) : ZERO,
    units,
    overhead: overhead?.kind === "overhead" ? dec(overhead.amount.value) : ZERO,
    ...(family?.kind === "family" ? { family: family.family.text } : {}),
    range: decl.name.range,
  };
}

function opInfo(decl: OpDecl, sink: Diagnostic[]): OpInfo {
  const owner = `op '${decl.name.text}'`;
  const single = firstOfEach(decl.props.filter((p) => p.kind !== "metric"), (p) => p.kind, owner, sink);
  const metricProps = firstOfEach(decl.props.filter((p): p is MetricProp => p.kind === "metric"), (p) => `metric ${p.name.text}`, owner, sink);
  const metrics: OpInfo["metrics"] = {};
  for (const metric of metricProps.values()) {
    if (dec(metric.min.value).gt(dec(metric.max.value))) {
      sink.push(diag("FLOW212", `metric '${metric.name.text}' of ${owner}: the minimum ${metric.min.value} is above the maximum ${metric.max.value}`, metric.range));
    }
    metrics[metric.name.text] = { min: metric.min.value, max: metric.max.value };
  }
  const schemaProp = single.get("schema");
  return {
    name: decl.name.text,
    metrics,
    batchable: single.has("batchable"),
    schema: schemaProp?.kind === "schema" ? userSchema(schemaProp.schema, owner, sink) : { type: "object" },
    builtin: false,
  };
}

/** A user op's schema text; on any problem, a FLOW210 on the string and a schema that accepts all. */
function userSchema(text: StringLit, owner: string, sink: Diagnostic[]): Record<string, unknown> {
  const fail = (problem: string, notes?: string[]): Record<string, unknown> => {
    sink.push(diag("FLOW210", `schema of ${owner} ${problem}`, text.range, notes ? { notes } : {}));
    return {};
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.value);
  } catch (error) {
    // The parser's own wording differs between Node versions: keep it out of the message.
    return fail("is not valid JSON", [error instanceof Error ? error.message : String(error)]);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return fail("must be a JSON object");
  const schema = parsed as Record<string, unknown>;
  const compiled = compileSchema(schema);
  return "error" in compiled ? fail(`is not a valid JSON Schema: ${compiled.error}`) : schema;
}
