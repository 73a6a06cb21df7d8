// Bundles the browser example from the built ESM package (run `npm run build` first).
import { build } from "esbuild";

await build({
  entryPoints: ["examples/browser/main.ts"],
  bundle: true,
  format: "esm",
  target: "es2022",
  outfile: "examples/browser/dist/main.js",
  alias: { "rx-communication-common": "./build/esm/index.js" },
  logLevel: "warning",
});
