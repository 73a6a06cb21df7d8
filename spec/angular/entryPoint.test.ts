/**
 * `npm run test:angular` (C28): the built `rx-communication-common/angular` (`npm run build` first),
 * loaded by its name as an app loads it, and the import graph around it.
 */
import { TestBed } from "@angular/core/testing";
import { build } from "esbuild";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { afterEach, test } from "node:test";
import { configure, ENDPOINT, TOKEN_URL } from "./testBed.js";

afterEach(() => TestBed.resetTestingModule());

/** Every source file a bundle of `entry` holds, dynamic imports included, with `external` left out. */
async function bundledInputs(entry: string, external: string[]): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    outdir: "temp/angularImportGraph",
    write: false,
    metafile: true,
    external,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs);
}

test("C28: the main entry point never imports Angular nor lib/angular", async () => {
  const inputs = await bundledInputs("lib/index.ts", ["rxjs", "jwt-decode"]);
  assert.ok(inputs.includes("lib/CommunicationTokenCredential.ts"));
  assert.deepEqual(
    inputs.filter((path) => path.includes("@angular/") || path.startsWith("lib/angular/")),
    [],
  );
});

test("C28: lib/angular imports the library's own modules, never its entry point lib/index.ts", async () => {
  const inputs = await bundledInputs("lib/angular/index.ts", ["@angular/*", "rxjs", "jwt-decode"]);
  assert.ok(inputs.includes("lib/CommunicationTokenCredential.ts"));
  assert.equal(inputs.includes("lib/index.ts"), false);
});

test("C28: the build has the Angular entry point as ESM only, without decorators", () => {
  assert.equal(existsSync("build/cjs/angular"), false);
  const files = readdirSync("build/esm/angular").filter((name) => name.endsWith(".js"));
  assert.ok(files.includes("index.js"));
  for (const file of files) {
    assert.doesNotMatch(readFileSync(`build/esm/angular/${file}`, "utf8"), /__decorate\(|ɵɵngDeclare\w*\(/, file);
  }
});

test("C28: the built entry point loads by name and shares the main entry point's credential class", async () => {
  const angular = await import("rx-communication-common/angular");
  const { CommunicationTokenCredential } = await import("rx-communication-common");
  assert.deepEqual(Object.keys(angular).sort(), [
    "communicationCredentialInterceptor",
    "injectCommunicationCredential",
    "injectCredentialState",
    "provideCommunicationCredential",
  ]);
  configure({}, [angular.provideCommunicationCredential({ tokenUrl: TOKEN_URL, protectedResources: [ENDPOINT] })]);
  const credential = TestBed.runInInjectionContext(angular.injectCommunicationCredential);
  assert.ok(credential instanceof CommunicationTokenCredential);
});
