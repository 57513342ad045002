// What each diagnostic code means, at more length than its one-line summary, and where it is
// documented: the heading `#### FLOWnnn` of docs/language.md (whose "Every code" section is
// written from this table; test/docs.test.ts fails when it is stale). SARIF's rules
// (`fullDescription`, `helpUri`) and the language server's `codeDescription` read it here.
import type { DiagnosticCode } from "../syntax/diagnostics";
import { FLOWC_REFERENCE } from "./version";

export const CODE_DOCS: Record<DiagnosticCode, string> = {
  FLOW101: "A syntax error. The parser recovers and reports every error it can, so one mistake gives one message.",
  FLOW102: "An import that cannot be read, or that holds more than `model` and `op` declarations (a flow, or imports of its own).",
  FLOW201: "An unknown name (with \"did you mean …?\" when one is close), or `.rejected` of something that is not a gate or review.",
  FLOW202: "A duplicate name: two streams, two models or two ops of the same name.",
  FLOW203: "A cycle: a stream that, through its sources, reads itself.",
  FLOW204: "An unknown metric: a gate or select names a metric that the op behind its source does not declare.",
  FLOW205: "A threshold outside the metric's range, so the condition is always or never true.",
  FLOW206: "A per-megapixel or per-second price on a node without `resolution` or `duration`: the price cannot be computed.",
  FLOW207: "A named argument that is not a single item: named arguments pass one reference to every call.",
  FLOW208: "An invalid retry path: `else retry NODE` must name the gate's source or an ancestor of it, on a chain whose nodes feed nothing else.",
  FLOW209: "A select whose source has no `variants` above 1, or a `pick` outside 1 to the source's variants.",
  FLOW210: "A `param` that fails the op's JSON Schema, or a user op's `schema` that is not a valid JSON Schema.",
  FLOW211: "An unknown op or model.",
  FLOW212: "A property invalid where it stands: duplicated, out of range, contradictory, `batch` on an op that is not batchable, or gate conditions on different sources.",
  FLOW213: "`.rejected` of a gate or review whose `else` explicitly discards its rejected items.",
  FLOW214: "A node with neither a model nor a `cost`: it is priced at 0 credits, which is rarely what was meant.",
  FLOW301: "The worst case exceeds the cap: a run may pause at the cap. A warning, or an error when the budget says `strict`.",
  FLOW302: "The expected spend exceeds the cap: normal runs would pause.",
  FLOW303: "The cap is below 120% of the expected spend: normal variance will pause runs.",
  FLOW304: "The cap is above 130% of the expected spend: a runaway run may spend far more than usual before it stops.",
  FLOW305: "The flow has no budget block: nothing stops a run that spends the worst case.",
  FLOW306: "The alert is at or above the cap, so it never warns before the run pauses.",
  FLOW307: "The worst case exceeds `flowc check --max-worst-case N`.",
  FLOW308: "The expected spend exceeds `flowc check --max-expected N`.",
  FLOW401: "A costly node (an upscale, or a higher resolution than its input) runs before a gate or review: moving it after saves its expected cost times the rejected share, computed.",
  FLOW402: "Full-quality variants before a select: half-resolution previews with the cheapest model of the same op, then one full call per kept item, save the computed difference.",
  FLOW403: "One of the two costliest nodes, holding at least 25% of the worst case, has no gate or review upstream.",
  FLOW404: "A node whose inputs are all `stable` has no cache: a re-run would pay its cost again (fix: `cache ttl 24h`).",
  FLOW405: "A cached node depends on an input not marked `stable`: new items miss the cache, and `--warm` counts them as free.",
  FLOW406: "A batchable op with a per-call overhead runs one call per item: `batch 25` saves the computed overhead.",
  FLOW407: "A node whose outputs reach no output: its credits are wasted.",
  FLOW408: "A gate or review without an expected rate, so the expected spend assumes everything passes (fix: `expect pass 50%` or `expect approve 50%`).",
  FLOW501: "The worst case exceeds the `maxWorstCase` of a policy in flowc.json that matches the file.",
  FLOW502: "The expected spend exceeds the `maxExpected` of a policy in flowc.json that matches the file.",
  FLOW503: "The cap is outside a policy's `capHeadroom` range of the expected spend, or there is no cap (flowc.json).",
  FLOW504: "The budget block a policy's `requireBudget` asks for is missing, or lacks its cap, alert or strict (flowc.json).",
  FLOW505: "A node runs an op listed in a policy's `requireReviewBefore` with no review upstream (flowc.json).",
  FLOW506: "A node uses a model that a policy bans by name (`bannedModels`) or family (`bannedFamilies`) (flowc.json).",
  FLOW507: "The worst case is above the figure the baseline holds for the file (`flowc check --baseline FILE`).",
  FLOW508: "The expected spend is above the figure the baseline holds for the file (`flowc check --baseline FILE`).",
  FLOW601: "A `// flowc-ignore` comment names a code that flowc does not have, or one that cannot be ignored (errors that stop compilation always apply): it hides nothing, and a misspelt code would otherwise go unnoticed.",
  FLOW602: "A `// flowc-ignore` comment, or one code in it, hides nothing on the next line: the finding it was written for is gone. Remove it (the fix does), so that it cannot hide a new finding later. Codes that depend on command-line options (FLOW307, FLOW308, FLOW507, FLOW508) are never reported unused.",
};

/** The anchor of a code's heading in docs/language.md (GitHub's slug of `#### FLOW301`). */
export function codeAnchor(code: DiagnosticCode): string {
  return code.toLowerCase();
}

/** Where a code is documented on the web. */
export function helpUri(code: DiagnosticCode): string {
  return `${FLOWC_REFERENCE}#${codeAnchor(code)}`;
}
