// Every command of flowc, one file each. A new command is a file exporting a CliCommand and one
// line here; the order is the order of `flowc --help`.
import type { CliCommand } from "../command";
import { checkCommand } from "./check";
import { costCommand } from "./cost";
import { diffCommand } from "./diff";
import { calibrateCommand } from "./calibrate";
import { compileCommand } from "./compile";
import { runCommand } from "./run";
import { resumeCommand } from "./resume";
import { reviewCommand } from "./review";
import { ackCommand } from "./ack";
import { reportCommand } from "./report";
import { runsCommand } from "./runs";
import { cacheCommand } from "./cache";
import { lspCommand } from "./lsp";
import { fmtCommand } from "./fmt";
import { workerCommand } from "./worker";
import { statusCommand } from "./status";
import { uiCommand } from "./ui";
import { initCommand } from "./init";

export const COMMANDS: readonly CliCommand[] = [
  initCommand,
  checkCommand,
  costCommand,
  diffCommand,
  calibrateCommand,
  compileCommand,
  runCommand,
  resumeCommand,
  reviewCommand,
  ackCommand,
  reportCommand,
  runsCommand,
  cacheCommand,
  workerCommand,
  statusCommand,
  uiCommand,
  fmtCommand,
  lspCommand,
];
