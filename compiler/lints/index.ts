// The credit-saving lints (FLOW401–FLOW406). They run on flows without errors, after the cost
// analysis, and every figure they give comes from it: for a lint with a fix, the flow after the
// fix priced against the flow now.
import type { FlowFile } from "../../syntax/ast";
import type { CostReport } from "../cost-report";
import type { Diagnostic } from "../../syntax/diagnostics";
import type { FlowModel } from "../model";
import { LintContext } from "./context";
import { costlyFirstLint } from "./costly-first";
import { previewsLint } from "./previews";
import { ungatedLint } from "./ungated";
import { uncachedLint } from "./uncached";
import { unstableCacheLint } from "./unstable-cache";
import { unbatchedLint } from "./unbatched";
import type { LintSettings } from "./settings";

export { DEFAULT_CACHE_TTL } from "./uncached";
export { DEFAULT_BATCH } from "./unbatched";
export { expectRateFixes, DEFAULT_EXPECTED_RATE } from "./expect-rate";
export { lintSettingsFrom, DEFAULT_MIN_SAVING, type LintSettings } from "./settings";

const LINTS = [costlyFirstLint, previewsLint, ungatedLint, uncachedLint, unstableCacheLint, unbatchedLint];

/**
 * @param cost the cost report of a cold run (no `--warm`)
 * @param imports the parsed imported files: their models are in scope for FLOW402
 * @param settings flowc.json's options for the lints (`minSaving`)
 */
export function runLints(model: FlowModel, cost: CostReport, ast: FlowFile, text: string, imports: readonly FlowFile[] = [], settings: LintSettings = {}): Diagnostic[] {
  if (!ast.flow) return [];
  const ctx = new LintContext(model, cost, ast, ast.flow, text, imports, settings);
  return LINTS.flatMap((lint) => lint(ctx));
}
