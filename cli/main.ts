// Entry of the bundled CLI: dist/cli.js (an ES module, imported by bin/flowc.js) and dist/cli.cjs
// (the same as one script, which bin/flowc.js compiles with V8's code cache; see bin/code-cache.js).
// No top-level await, so that one entry serves both.
import { EXIT_USAGE } from "./exit";
import { complain, processIo } from "./io";
import { runCli } from "./program";

// `flowc cost … | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

async function main(): Promise<void> {
  const io = processIo();
  try {
    process.exitCode = await runCli(process.argv.slice(2), io);
  } catch (error) {
    // Commands catch exceptions per file; this is the last line of defence for a bug elsewhere.
    const detail = io.env.FLOWC_DEBUG && error instanceof Error ? error.stack : error instanceof Error ? error.message : String(error);
    complain(io, `internal error: ${detail}`);
    process.exitCode = EXIT_USAGE;
  }
}

void main();
