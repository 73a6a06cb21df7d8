// Bundles the browser pages from the built ESM package (run `npm run build` first): the browser
// example, and the tab page of the one-refresh-for-all-tabs test (spec/browser/tabs.test.ts).
import { build } from "esbuild";

const shared = {
  bundle: true,
  format: "esm",
  target: "es2022",
  alias: { "rx-communication-common": "./build/esm/index.js" },
  logLevel: "warning",
};

await Promise.all([
  build({ ...shared, entryPoints: ["examples/browser/main.ts"], outfile: "examples/browser/dist/main.js" }),
  build({ ...shared, entryPoints: ["spec/browser/tabs/page.ts"], outfile: "spec/browser/tabs/dist/page.js" }),
]);
