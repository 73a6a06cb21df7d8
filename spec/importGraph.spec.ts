import { build, type Metafile } from "esbuild";
import { join } from "node:path";

/**
 * C24: what an app loads up front when it imports only the credential. esbuild bundles the source as
 * an app's bundler would, splitting at dynamic imports, and the static import graph of the entry is
 * read from its metafile.
 */
async function loadedUpFront(entry: string): Promise<{ modules: string[]; packages: string[] }> {
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
  const modules = [...seen].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
  const packages = [...seen].flatMap(
    (path) => outputs[path]?.imports.filter((i) => i.external).map((i) => i.path) ?? [],
  );
  return { modules, packages };
}

describe("C24: importing only the credential", () => {
  it("C24, C26: does not load the Entra ID exchange, tab sharing, tokenEndpoint, signing, connection strings or identifiers up front", async () => {
    const { modules } = await loadedUpFront("./lib/index.ts");
    expect(modules).toContain("lib/refresh/tokenKeeper.ts");
    for (const heavy of [
      "lib/refresh/refreshPipeline.ts",
      "lib/refresh/refreshRun.ts",
      "lib/refresh/hedge.ts",
      "lib/refresh/callRefresher.ts",
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

describe("C24: the rxjs operators of the refresh pipeline", () => {
  it("C24: are not loaded up front: code loaded up front takes rxjs's classes from their own modules, never the index", async () => {
    // A bundler that splits code puts every rxjs module any chunk uses up front once the entry
    // imports the "rxjs" index, which re-exports them all (support/rxjsClasses.ts).
    const { packages } = await loadedUpFront("./lib/index.ts");
    expect(packages).not.toContain("rxjs");
    expect(packages.filter((name) => name.startsWith("rxjs/")).sort()).toEqual([
      "rxjs/internal/BehaviorSubject",
      "rxjs/internal/Observable",
      "rxjs/internal/Subscription",
    ]);
  });
});
