import { build, type Metafile } from "esbuild";
import { join } from "node:path";

/**
 * C24: what an app loads up front when it imports only the credential. esbuild bundles the source as
 * an app's bundler would, splitting at dynamic imports, and the static import graph of the entry is
 * read from its metafile.
 */
async function loadedUpFront(entry: string): Promise<string[]> {
  const root = join(__dirname, "..");
  const result = await build({
    stdin: { contents: `export { CommunicationTokenCredential } from "${entry}";`, resolveDir: root, loader: "ts" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    outdir: join(root, "temp/importGraph"),
    write: false,
    metafile: true,
    external: ["rxjs", "jwt-decode"],
    logLevel: "silent",
  });
  const outputs: Metafile["outputs"] = result.metafile.outputs;
  const entryChunk = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined) as string;
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    outputs[path]?.imports.filter((i) => i.kind === "import-statement" && !i.external).forEach((i) => visit(i.path));
  };
  visit(entryChunk);
  return [...seen].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
}

describe("C24: importing only the credential", () => {
  it("C24, C26: does not load the Entra ID exchange, tab sharing, tokenEndpoint, signing, connection strings or identifiers up front", async () => {
    const modules = await loadedUpFront("./lib/index.ts");
    expect(modules).toContain("lib/refresh/tokenKeeper.ts");
    for (const heavy of [
      "lib/entra/EntraTokenExchange.ts",
      "lib/entra/exchangeToken.ts",
      "lib/sharing/tabs/tabShare.ts",
      "lib/sharing/tabs/webLock.ts",
      "lib/sharing/tabs/tabMessages.ts",
      "lib/tokenEndpoint/tokenEndpoint.ts",
      "lib/support/retryLoop.ts",
      "lib/auth/signRequest.ts",
      "lib/auth/connectionString.ts",
      "lib/auth/authenticatedFetch.ts",
      "lib/identifiers/rawId.ts",
    ]) {
      expect(modules).not.toContain(heavy);
    }
  });
});
