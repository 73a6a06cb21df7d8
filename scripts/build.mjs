// Builds the ESM and CommonJS outputs with plain tsc. The package is "type": "module", so the CommonJS
// folder gets its own package.json that tells Node how to load it.
//
// The Angular entry point (lib/angular, `rx-communication-common/angular`) is built as ESM only:
// tsconfig.cjs.json excludes it, as Angular ships ES modules only. Being plain tsc output, it must hold
// no decorators: a decorated class would build and then fail in an AOT app at run time ("JIT compiler
// unavailable"). The checks at the end fail the build instead.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

rmSync("build", { recursive: true, force: true });
for (const project of ["tsconfig.esm.json", "tsconfig.cjs.json"]) {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], { stdio: "inherit" });
}
mkdirSync("build/cjs", { recursive: true });
writeFileSync("build/cjs/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

if (existsSync("build/cjs/angular")) throw new Error("build/cjs/angular: the Angular entry point must be ESM only.");
for (const file of readdirSync("build/esm/angular").filter((name) => name.endsWith(".js"))) {
  const path = join("build/esm/angular", file);
  if (/__decorate\(|ɵɵngDeclare\w*\(/.test(readFileSync(path, "utf8"))) {
    throw new Error(
      `${path}: decorators need the Angular compiler; the Angular entry point takes plain functions only.`,
    );
  }
}
