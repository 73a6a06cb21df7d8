import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The built package (`npm run build`, which `npm test` runs first) works from both module systems. */
describe("the built package", () => {
  const root = join(__dirname, "..");

  it("has been built", () => {
    expect(existsSync(join(root, "build/esm/index.js"))).toBe(true);
    expect(existsSync(join(root, "build/cjs/index.js"))).toBe(true);
  });

  it.each([
    ["import", "spec/smoke/import.mjs", "esm"],
    ["require", "spec/smoke/require.cjs", "cjs"],
  ])("loads with %s and gets a token", (_, script, format) => {
    const output = execFileSync(process.execPath, [script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ format, token: `${format}-token`, errorName: "TokenExpiredError" });
  });

  // C13/C14: waiting credentials do not keep Node alive, but a token$ subscriber still waiting for a
  // token does, through the background retry.
  it("keeps a script that awaits token$ alive through a failed first refresh", () => {
    const output = execFileSync(process.execPath, ["spec/smoke/tokenAfterRetry.mjs"], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({ token: "retried-token", calls: 2 });
  });
});
