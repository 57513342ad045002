// The exit statuses of every command (contract, section 8).
export const EXIT_OK = 0;
/** errors found, warnings with `--deny-warnings`, or a limit exceeded */
export const EXIT_PROBLEMS = 1;
/** bad usage or unreadable input */
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_PROBLEMS | typeof EXIT_USAGE;

/** The status of several outcomes together: the most severe wins. */
export function worstExit(codes: Iterable<ExitCode>): ExitCode {
  let worst: ExitCode = EXIT_OK;
  for (const code of codes) if (code > worst) worst = code;
  return worst;
}
