// How file names are shown: as given on the command line, imports (absolute) relative to the
// working directory; SARIF wants a relative URI with forward slashes.
import path from "node:path";

export function displayPath(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative === "" ? file : relative;
}

export function relativeUri(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative.split(path.sep).map(encodeURIComponent).join("/");
}
