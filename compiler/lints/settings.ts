// What flowc.json says to the lints that give a saving: the smallest saving worth a hint, per rule,
// written eslint's way as the rule's options, `"FLOW406": ["hint", { "minSaving": "2%" }]`.
import { Decimal } from "../../syntax/credits";
import type { FlowcConfig, RuleOptions } from "../config";

/** The lints whose figure is a saving, and so can be too small to be worth a hint. */
export const SAVING_LINTS = ["FLOW401", "FLOW402", "FLOW404", "FLOW406"] as const;
export type SavingLint = (typeof SAVING_LINTS)[number];

/** `minSaving` as given: a percent of the flow's expected spend ("1%"), or credits (a JSON number). */
export type MinSaving = { percent: Decimal } | { credits: Decimal };

export type LintSettings = Partial<Record<SavingLint, MinSaving>>;

/**
 * Under 1% of the expected spend a saving is noise next to the spread of real runs (a gate's pass
 * rate is an estimate), and following it costs the author more attention than it returns.
 */
export const DEFAULT_MIN_SAVING = "1%";

export function parseMinSaving(value: string | number): MinSaving {
  if (typeof value === "number") return { credits: new Decimal(String(value)) };
  return { percent: new Decimal(value.slice(0, -1)) };
}

/** The settings of each saving lint that flowc.json gives options for. */
export function lintSettingsFrom(rules: FlowcConfig["rules"]): LintSettings {
  const settings: LintSettings = {};
  for (const code of SAVING_LINTS) {
    const entry = rules?.[code];
    const options: RuleOptions | undefined = Array.isArray(entry) ? entry[1] : undefined;
    if (options?.minSaving !== undefined) settings[code] = parseMinSaving(options.minSaving);
  }
  return settings;
}

/** The smallest saving, in credits, that the lint reports on a flow expected to spend `expected`. */
export function minSavingOf(settings: LintSettings, code: SavingLint, expected: Decimal): Decimal {
  const min = settings[code] ?? parseMinSaving(DEFAULT_MIN_SAVING);
  return "credits" in min ? min.credits : expected.times(min.percent).div(100);
}
