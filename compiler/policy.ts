// Policies: limits a team sets in `flowc.json` for the flows matching a glob — worst case,
// expected spend, the cap's headroom over the expected spend, what the budget block must hold,
// a review before given ops, banned models — checked as FLOW501–FLOW506 errors. Pure: the CLI finds
// and validates flowc.json (cli/config.ts, compiler/config.ts), picks the policy of each file with
// `policyFor`, and `analyzeFile` checks it (so flowc.json `rules` and flowc-ignore apply to it).
import { exactText, percentText } from "../syntax/figures";
import type { FlowFile, Range } from "../syntax/ast";
import { Decimal, formatExact, formatRounded } from "../syntax/credits";
import type { CostReport } from "./cost-report";
import { diag, type Diagnostic } from "../syntax/diagnostics";
import type { FlowModel, NodeStream, Stream } from "./model";
import { matchesGlob } from "./glob";
import { primaryOf } from "./checks/walk";

export type BudgetPart = "cap" | "alert" | "strict";

/** The limits one policy entry sets; every key is optional. */
export interface PolicyLimits {
  maxWorstCase?: Decimal;
  maxExpected?: Decimal;
  /** the cap must lie between min × expected and max × expected */
  capHeadroom?: { min?: Decimal; max?: Decimal };
  /** what the budget block must hold; empty: only the block */
  requireBudget?: BudgetPart[];
  /** ops that may run only on items a person approved (a review upstream) */
  requireReviewBefore?: string[];
  /** model names (globs) no node may use */
  bannedModels?: string[];
  /** model families (globs) no node may use */
  bannedFamilies?: string[];
}

export interface Policy extends PolicyLimits {
  /** globs of flow files, relative to the configuration file's folder */
  files: string[];
}

/** The limits that apply to one file, and the configuration file they come from (for messages). */
export interface AppliedPolicy extends PolicyLimits {
  source: string;
}

/** A policy entry as written in flowc.json (validated against its schema). */
export interface PolicyDoc {
  files: string | string[];
  maxWorstCase?: number;
  maxExpected?: number;
  capHeadroom?: { min?: number; max?: number };
  requireBudget?: boolean | BudgetPart[];
  requireReviewBefore?: string[];
  bannedModels?: string[];
  bannedFamilies?: string[];
}

/** A JSON number as the decimal it was written as (its shortest round-trip form). */
const decimal = (n: number | undefined) => (n === undefined ? undefined : new Decimal(String(n)));

/** The policies of flowc.json, with what its schema cannot say checked here (min above max). */
export function policiesOf(docs: readonly PolicyDoc[], source: string): { ok: true; policies: Policy[] } | { ok: false; errors: string[] } {
  const errors = docs.flatMap((doc, i) => {
    const h = doc.capHeadroom;
    return h?.min !== undefined && h.max !== undefined && h.min > h.max ? [`${source}: policies.${i}.capHeadroom: min ${h.min} is above max ${h.max}`] : [];
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policies: docs.map(toPolicy) };
}

function toPolicy(doc: PolicyDoc): Policy {
  const budget = doc.requireBudget;
  return {
    files: typeof doc.files === "string" ? [doc.files] : doc.files,
    maxWorstCase: decimal(doc.maxWorstCase),
    maxExpected: decimal(doc.maxExpected),
    capHeadroom: doc.capHeadroom && { min: decimal(doc.capHeadroom.min), max: decimal(doc.capHeadroom.max) },
    // `true` asks for a block that can stop a run: one with a cap
    requireBudget: budget === true ? ["cap"] : budget === false ? undefined : budget,
    requireReviewBefore: doc.requireReviewBefore,
    bannedModels: doc.bannedModels,
    bannedFamilies: doc.bannedFamilies,
  };
}

const LIMIT_KEYS = ["maxWorstCase", "maxExpected", "capHeadroom", "requireBudget", "requireReviewBefore", "bannedModels", "bannedFamilies"] as const;

/**
 * The limits for one file: every policy whose globs match it, later entries overriding earlier
 * ones key by key (a broad default first, exceptions after). Undefined when none matches.
 */
export function policyFor(policies: readonly Policy[], relativePath: string): PolicyLimits | undefined {
  const matching = policies.filter((p) => p.files.some((glob) => matchesGlob(relativePath, glob)));
  if (matching.length === 0) return undefined;
  const limits: PolicyLimits = {};
  for (const p of matching) {
    for (const key of LIMIT_KEYS) if (p[key] !== undefined) (limits as Record<string, unknown>)[key] = p[key];
  }
  return limits;
}

export interface PolicySubject {
  ast: FlowFile;
  model?: FlowModel;
  cost?: CostReport;
}

/**
 * Every way the flow breaks the limits. `source` names the configuration in messages
 * (`flowc.json`). Figures need a priced flow, the graph checks a model: a flow with errors gets
 * only what can be judged (its errors are reported anyway).
 */
export function policyDiagnostics(subject: PolicySubject, limits: AppliedPolicy): Diagnostic[] {
  const source = limits.source;
  const flow = subject.ast.flow;
  if (!flow) return [];
  const at = flow.name.range;
  return [
    ...figureDiagnostics(subject.cost, limits, source, at),
    ...budgetDiagnostics(subject, limits, source),
    ...(subject.model ? reviewDiagnostics(subject.model, limits, source) : []),
    ...(subject.model ? modelDiagnostics(subject.model, limits, source) : []),
  ];
}

const credits = (value: Decimal, exact: boolean) => `${exact ? formatExact(value) : formatRounded(value)} credits`;

function figureDiagnostics(cost: CostReport | undefined, limits: PolicyLimits, source: string, at: Range): Diagnostic[] {
  if (!cost) return [];
  const out: Diagnostic[] = [];
  if (limits.maxWorstCase !== undefined && cost.worstCase.gt(limits.maxWorstCase)) {
    out.push(diag("FLOW501", `worst case ${credits(cost.worstCase, true)} exceeds the limit of ${credits(limits.maxWorstCase, true)} set in ${source} (maxWorstCase)`, at));
  }
  if (limits.maxExpected !== undefined && cost.expected.gt(limits.maxExpected)) {
    out.push(diag("FLOW502", `expected spend ${credits(cost.expected, false)} exceeds the limit of ${credits(limits.maxExpected, true)} set in ${source} (maxExpected)`, at));
  }
  return out;
}

const percentOf = (ratio: Decimal) => percentText(ratio);
/** a bound from flowc.json, as the team wrote it (1.2 → "120%"): a setting, not a computed figure */
const boundOf = (ratio: Decimal) => `${exactText(ratio.times(100))}%`;

function headroomRange(h: NonNullable<PolicyLimits["capHeadroom"]>): string {
  if (h.min !== undefined && h.max !== undefined) return `between ${boundOf(h.min)} and ${boundOf(h.max)} of the expected spend`;
  return h.min !== undefined ? `at least ${boundOf(h.min)} of the expected spend` : `at most ${boundOf(h.max!)} of the expected spend`;
}

function budgetDiagnostics(subject: PolicySubject, limits: PolicyLimits, source: string): Diagnostic[] {
  const flow = subject.ast.flow!;
  const block = flow.decls.find((d) => d.kind === "budget");
  const out: Diagnostic[] = [];
  if (limits.requireBudget !== undefined) {
    if (!block) {
      const parts = limits.requireBudget.length > 0 ? ` with ${limits.requireBudget.join(", ")}` : "";
      out.push(diag("FLOW504", `no budget block: ${source} requires one${parts} (requireBudget)`, flow.name.range));
    } else {
      const missing = limits.requireBudget.filter((part) => !block.props.some((p) => p.kind === part));
      if (missing.length > 0) out.push(diag("FLOW504", `the budget block has no ${missing.join(", no ")}: ${source} requires ${missing.length > 1 ? "them" : "it"} (requireBudget)`, block.keyword));
    }
  }
  const headroom = limits.capHeadroom;
  const cost = subject.cost;
  if (headroom && cost && cost.expected.gt(0)) {
    const capProp = block?.props.find((p) => p.kind === "cap");
    const wanted = headroomRange(headroom);
    if (!cost.cap || !capProp) {
      out.push(diag("FLOW503", `no cap: ${source} asks for a cap ${wanted}, ${credits(cost.expected, false)} (capHeadroom)`, block?.keyword ?? flow.name.range));
    } else {
      const ratio = cost.cap.div(cost.expected);
      const low = headroom.min !== undefined && ratio.lt(headroom.min);
      const high = headroom.max !== undefined && ratio.gt(headroom.max);
      if (low || high) {
        out.push(diag("FLOW503", `the cap of ${credits(cost.cap, true)} is ${percentOf(ratio)} of the expected ${credits(cost.expected, false)}: ${source} asks for a cap ${wanted} (capHeadroom)`, capProp.range));
      }
    }
  }
  return out;
}

/** FLOW505: a node whose op needs a person's approval first, with no review on the path its items take. */
function reviewDiagnostics(model: FlowModel, limits: PolicyLimits, source: string): Diagnostic[] {
  const guarded = new Set(limits.requireReviewBefore ?? []);
  if (guarded.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const s of model.streams) {
    if (s.kind !== "node" || !guarded.has(s.op.name) || reviewedUpstream(model, s)) continue;
    const decl = s.decl.kind === "node" ? s.decl : undefined;
    out.push(diag("FLOW505", `node '${s.name}' runs ${s.op.name} on items no person has reviewed: ${source} requires a review before ${s.op.name} (requireReviewBefore)`, decl?.name.range ?? s.decl.range));
  }
  return out;
}

function reviewedUpstream(model: FlowModel, node: NodeStream): boolean {
  const seen = new Set<string>();
  let current: Stream | undefined = node;
  while (current && !seen.has(current.name)) {
    seen.add(current.name);
    const upstream: string | undefined = primaryOf(current);
    current = upstream === undefined ? undefined : model.byName.get(upstream);
    if (current?.kind === "gate" && current.human) return true;
  }
  return false;
}

/** FLOW506: a node priced by a banned model, by name or by family. */
function modelDiagnostics(model: FlowModel, limits: PolicyLimits, source: string): Diagnostic[] {
  const names = limits.bannedModels ?? [];
  const families = limits.bannedFamilies ?? [];
  if (names.length === 0 && families.length === 0) return [];
  const out: Diagnostic[] = [];
  for (const s of model.streams) {
    if (s.kind !== "node" || !s.model || s.decl.kind !== "node") continue;
    const used = s.model;
    const byName = names.find((glob) => matchesGlob(used.name, glob));
    const byFamily = used.family === undefined ? undefined : families.find((glob) => matchesGlob(used.family!, glob));
    if (byName === undefined && byFamily === undefined) continue;
    const why = byName !== undefined ? `model '${used.name}'` : `model '${used.name}' of family '${used.family}'`;
    const key = byName !== undefined ? "bannedModels" : "bannedFamilies";
    const prop = s.decl.props.find((p) => p.kind === "model");
    out.push(diag("FLOW506", `node '${s.name}' uses ${why}, which ${source} bans (${key})`, prop?.range ?? s.decl.name.range));
  }
  return out;
}
