// Colour only for a person at a terminal: never when piped, never with NO_COLOR (no-color.org);
// FORCE_COLOR turns it on anywhere (CI logs) unless NO_COLOR also asks for none.
import picocolors from "picocolors";
import type { Colors } from "picocolors/types";

export type { Colors };

export function colorEnabled(env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !["0", "false"].includes(force.toLowerCase());
  return isTty && env.TERM !== "dumb";
}

export function palette(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
