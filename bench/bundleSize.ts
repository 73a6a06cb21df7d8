/**
 * Browser bundle size of a program that imports only the credential: esbuild with code splitting,
 * minified, each output file gzipped on its own. What an app loads up front is the entry chunk and
 * the chunks it imports statically (code it shares with a lazy chunk lands in one of those); what
 * only a dynamic import() fetches, such as the Entra ID exchange once it is loaded on demand, is
 * counted apart as lazy.
 */
import { build, stop, type Metafile } from "esbuild";
import { relative } from "node:path";
import { gzipSync } from "node:zlib";

export interface BundleSize {
  /** Gzipped bytes loaded before the entry runs: the entry chunk and its static imports. */
  upFront: number;
  /** Gzipped bytes of the chunks only reached through dynamic import(). */
  lazy: number;
}

/** The outputs the entry chunk pulls in without a dynamic import, itself included. */
function staticClosure(outputs: Metafile["outputs"]): Set<string> {
  // A dynamically imported module is an entry point of its own chunk too; the program is stdin.
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === "<stdin>");
  const reached = new Set<string>();
  const visit = (path: string | undefined) => {
    if (path === undefined || reached.has(path)) return;
    reached.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return reached;
}

async function gzippedBundle(source: string, external: string[]): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    splitting: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external,
    outdir: "bench-bundle", // nothing is written: only names the chunks
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const upFront = staticClosure(result.metafile.outputs);
  const size: BundleSize = { upFront: 0, lazy: 0 };
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".map")) continue;
    const gzipped = gzipSync(file.contents).length;
    if (upFront.has(relative(process.cwd(), file.path))) size.upFront += gzipped;
    else size.lazy += gzipped;
  }
  return size;
}

export async function bundleSizes() {
  const ours = `export { CommunicationTokenCredential } from "./build/esm/index.js";`;
  const azure = `export { AzureCommunicationTokenCredential } from "@azure/communication-common";`;
  const sizes = {
    ours: { withRxjs: await gzippedBundle(ours, []), rxjsExternal: await gzippedBundle(ours, ["rxjs"]) },
    azure: { withRxjs: await gzippedBundle(azure, []), rxjsExternal: await gzippedBundle(azure, ["rxjs"]) },
  };
  // esbuild's service process pings this one every second while it lives: that work would show in
  // the idle benchmark, which runs later in the same process.
  await stop();
  return sizes;
}
