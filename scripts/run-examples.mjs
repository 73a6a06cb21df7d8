// Runs every example program once (the demo has its own script), failing on the first that fails.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";

const examples = readdirSync("examples").filter((name) => name.endsWith(".ts") && name !== "demo.ts");
for (const example of examples.sort()) {
  console.log(`\n$ tsx examples/${example}`);
  execFileSync(process.execPath, ["--import", "tsx", `examples/${example}`], { stdio: "inherit", timeout: 60_000 });
}
