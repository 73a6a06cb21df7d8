// Runs every example program once (the demo has its own script), failing on the first that fails.
//
// The examples import the package by its name, "rx-communication-common", as an app does. Node resolves
// a package's own name through its "exports", which point into build/: the examples run the built
// package, so `npm run build` comes first.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

if (!existsSync("build/esm/index.js")) {
  console.error('The examples import "rx-communication-common" from build/: run `npm run build` first.');
  process.exit(1);
}

const examples = readdirSync("examples").filter((name) => name.endsWith(".ts") && name !== "demo.ts");
for (const example of examples.sort()) {
  console.log(`\n$ tsx examples/${example}`);
  execFileSync(process.execPath, ["--import", "tsx", `examples/${example}`], { stdio: "inherit", timeout: 60_000 });
}
