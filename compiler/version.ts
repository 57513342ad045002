// The package's identity, inlined into the bundle by esbuild.
import packageJson from "../package.json" with { type: "json" };

const manifest: { version: string; homepage?: string; repository?: { url?: string } } = packageJson;

export const FLOWC_VERSION = manifest.version;
export const FLOWC_HOMEPAGE = manifest.homepage ?? "https://www.npmjs.com/package/flowc";

/** The repository's web address, from package.json's `repository` (`git+https://…/x.git` → `https://…/x`). */
const REPOSITORY = (manifest.repository?.url ?? "https://github.com/flowc/flowc").replace(/^git\+/, "").replace(/\.git$/, "");

/** docs/language.md on the web, as it stands at this version's tag: where diagnostics link to. */
export const FLOWC_REFERENCE = `${REPOSITORY}/blob/v${FLOWC_VERSION}/docs/language.md`;
