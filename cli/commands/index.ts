// Every command of flowc, one file each. A new command is a file exporting a CliCommand and one
// line here; the order is the order of `flowc --help`.
import type { CliCommand } from "../command";
import { checkCommand } from "./check";
import { costCommand } from "./cost";

export const COMMANDS: readonly CliCommand[] = [checkCommand, costCommand];
