/** Browser bundle size of a program that imports only the credential: esbuild, minified, gzipped. */
import { build } from "esbuild";
import { gzipSync } from "node:zlib";

async function gzippedBundle(source: string, external: string[]): Promise<number> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    external,
    write: false,
    logLevel: "silent",
  });
  return gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array()).length;
}

export async function bundleSizes() {
  const ours = `export { CommunicationTokenCredential } from "./build/esm/index.js";`;
  const azure = `export { AzureCommunicationTokenCredential } from "@azure/communication-common";`;
  return {
    ours: { withRxjs: await gzippedBundle(ours, []), rxjsExternal: await gzippedBundle(ours, ["rxjs"]) },
    azure: { withRxjs: await gzippedBundle(azure, []), rxjsExternal: await gzippedBundle(azure, ["rxjs"]) },
  };
}
