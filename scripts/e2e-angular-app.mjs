// `npm run test:e2e`, before spec/e2e: the example Angular app, built against the library as users get it
// (run `npm run build` first).
// 1. `npm ci` in examples/angular-app, from its own lock file: Angular 21 wants TypeScript 5.9, not the root's.
// 2. `npm pack` of the library into examples/angular-app/packed/, then `npm install` of that tarball without
//    saving it: the app's lock file does not pin a tarball whose hash changes with every change to the
//    library, and the library's own dependencies come from the registry, as they do for a user.
// 3. `ng build`: examples/angular-app/dist/browser, which spec/e2e serves.
// Dependency install scripts are skipped (npm 11 skips them anyway); the build needs none of them.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const app = "examples/angular-app";
const packed = join(app, "packed");
const env = { ...process.env, NG_CLI_ANALYTICS: "false", NG_CLI_COMPLETION: "false" };
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function step(title, run) {
  const started = performance.now();
  console.log(`\n== ${title}`);
  const result = run();
  console.log(`== ${title}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

const run = (command, args, cwd) => execFileSync(command, args, { cwd, env, stdio: "inherit" });

step("npm ci (examples/angular-app)", () => run(npm, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], app));

const tarball = step("npm pack (the library)", () => {
  rmSync(packed, { recursive: true, force: true });
  mkdirSync(packed, { recursive: true });
  const output = execFileSync(npm, ["pack", "--json", "--pack-destination", packed], {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [{ filename }] = JSON.parse(output.toString("utf8"));
  return resolve(packed, filename);
});

step(`npm install ${tarball} --no-save`, () =>
  run(npm, ["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", tarball], app),
);

step("ng build", () => run(process.execPath, ["node_modules/@angular/cli/bin/ng.js", "build"], app));
