// Builds the ESM and CommonJS outputs with plain tsc. The package is "type": "module", so the CommonJS
// folder gets its own package.json that tells Node how to load it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

rmSync("build", { recursive: true, force: true });
for (const project of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });
}
mkdirSync("build/cjs", { recursive: true });
writeFileSync("build/cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
