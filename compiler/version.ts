// The package's identity, inlined into the bundle by esbuild.
import packageJson from "../package.json" with { type: "json" };

const manifest: { version: string; homepage?: string } = packageJson;

export const FLOWC_VERSION = manifest.version;
export const FLOWC_HOMEPAGE = manifest.homepage ?? "https://www.npmjs.com/package/flowc";
