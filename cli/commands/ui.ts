// `flowc ui [PATH…]`: the local web app (ui/server.ts) over this project's runs, cache and flows.
// Prints its address with a fresh session token, serves until Ctrl-C (or SIGTERM), then closes
// its connections and waits for any resume started from the page. The server is imported here,
// lazily, so that no other command loads it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { type CliCommand, type CommandContext, examples } from "../command";
import { EXIT_OK, EXIT_USAGE, type ExitCode } from "../exit";
import { type CliIo, complain } from "../io";
import { wholeNumberParser } from "../options";
import { guarded, storeOptions } from "../run-support";

interface UiFlags {
  port: number;
  host: string;
  open?: boolean;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

export const uiCommand: CliCommand = {
  register(program: Command, context: CommandContext) {
    program
      .command("ui")
      .description("Serve a local web app: runs and their spend, reviews and selects with pictures, flow graphs with prices, the cache.")
      .argument("[paths...]", "flow files or folders of flows to show (default: the working directory)")
      .addOption(new Option("--port <n>", "port to listen on (0: any free port)").argParser(wholeNumberParser(0, 65535)).default(0))
      .option("--host <host>", "address to listen on", "127.0.0.1")
      .option("--open", "open the address in a browser ($BROWSER, else the system's)")
      .addHelpText(
        "after",
        "\nRuns and the cache are read from $FLOWC_HOME, else .flowc at the project root (found from the working directory), as the other commands read them.\n" +
          "The printed address carries a session token; without it every page and API call answers 401.\n" +
          examples("flowc ui", "flowc ui samples --port 8765 --open"),
      )
      .action(async (paths: string[], flags: UiFlags) => context.finish(await serve(paths, flags, context.io)));
  },
};

async function serve(paths: string[], flags: UiFlags, io: CliIo): Promise<ExitCode> {
  const { startUi, UiStartError } = await import("../../ui/server");
  return guarded(io, async () => {
    const server = await startUi({
      home: storeOptions(io).home ?? path.join(io.cwd, ".flowc"),
      cwd: io.cwd,
      paths: (paths.length > 0 ? paths : ["."]).map((p) => path.resolve(io.cwd, p)),
      host: flags.host,
      port: flags.port,
      assets: assetsDir(),
      log: (line) => io.err(`${line}\n`),
    }).catch((error: unknown) => {
      if (!(error instanceof UiStartError)) throw error;
      complain(io, error.message);
      return undefined;
    });
    if (!server) return EXIT_USAGE;
    io.out(`flowc ui: ${server.url}\n`);
    if (!LOOPBACK.has(flags.host)) complain(io, `listening on ${flags.host}: anyone who can reach it and holds the token can decide reviews and resume runs`);
    if (flags.open) openBrowser(server.url, io);
    await stopSignal();
    io.err("flowc ui: stopping\n");
    await server.close();
    return EXIT_OK;
  });
}

/** The bundled page: dist/ui beside the CLI bundle (or its chunks), or from the sources in tests. */
function assetsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, "ui"), path.join(here, "..", "ui"), path.join(here, "..", "..", "dist", "ui")];
  return candidates.find((dir) => existsSync(path.join(dir, "app.js"))) ?? candidates[0]!;
}

function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      // a second Ctrl-C while resumes finish ends the process at once
      process.once("SIGINT", () => process.exit(130));
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function openBrowser(url: string, io: CliIo): void {
  const browser = io.env.BROWSER;
  const [command, args] = browser ? [browser, [url]] : process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", (error) => complain(io, `could not open a browser (${command}): ${error.message}; open the address above yourself`));
    child.unref();
  } catch (error) {
    complain(io, `could not open a browser (${command}): ${error instanceof Error ? error.message : String(error)}`);
  }
}
