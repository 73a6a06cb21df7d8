import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The layering of lib/ (docs/architecture.md): dependency-cruiser checks the imports against the
 * rules in .dependency-cruiser.cjs. It is an ES module and Jest runs the specs as CommonJS, so it runs
 * as its command-line program, answering in JSON.
 */

const root = join(__dirname, "..");
const cruiser = join(root, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  type: string;
  from: string;
  to: string;
  unresolvedTo?: string;
  cycle?: { name: string }[];
  rule: { name: string; severity: string };
}

interface CruiseResult {
  summary: {
    violations: Violation[];
    ruleSetUsed: { forbidden: { name: string; comment?: string }[] };
  };
}

/** Cruises `<cwd>/lib` with the repository's rules. */
function cruise(cwd: string): CruiseResult {
  const run = spawnSync(
    process.execPath,
    [cruiser, "lib", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "json"],
    { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`dependency-cruiser failed (${String(run.status)}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as CruiseResult;
}

/** `file:line` of the import of `specifier` in `file`, or just `file` when it cannot be found. */
function importSite(cwd: string, file: string, specifier: string | undefined): string {
  if (specifier === undefined) return file;
  const lines = readFileSync(join(cwd, file), "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(`"${specifier}"`) || line.includes(`'${specifier}'`));
  return index < 0 ? file : `${file}:${index + 1}`;
}

/** One line per violation, `file:line  rule  from → to`, then what each broken rule says. */
function report(cwd: string, result: CruiseResult): string {
  const { violations, ruleSetUsed } = result.summary;
  const lines = violations.map((violation) => {
    if (violation.type === "cycle" && violation.cycle !== undefined) {
      const circle = [violation.from, ...violation.cycle.map((step) => step.name)].join(" → ");
      return `${importSite(cwd, violation.from, violation.unresolvedTo)}  ${violation.rule.name}  ${circle}`;
    }
    if (violation.type === "module") return `${violation.from}  ${violation.rule.name}`;
    const site = importSite(cwd, violation.from, violation.unresolvedTo);
    return `${site}  ${violation.rule.name}  ${violation.from} → ${violation.to}`;
  });
  const broken = [...new Set(violations.map((violation) => violation.rule.name))];
  const reasons = broken.map((name) => {
    const comment = ruleSetUsed.forbidden.find((rule) => rule.name === name)?.comment ?? "";
    return `  ${name}: ${comment}`;
  });
  return (
    `${violations.length} import(s) break the layering of lib/ ` +
    "(docs/architecture.md; the rules are in .dependency-cruiser.cjs):\n" +
    lines.map((line) => `  ${line}`).join("\n") +
    "\n\nThe rules broken:\n" +
    reasons.join("\n")
  );
}

function expectNoViolations(cwd: string, result: CruiseResult): void {
  if (result.summary.violations.length > 0) throw new Error(report(cwd, result));
}

describe("the layering of lib/", () => {
  it("dependencies point down only, with no import circles and no entry point imported from inside", () => {
    expectNoViolations(root, cruise(root));
  });

  describe("the rules catch", () => {
    let scratch: string;
    let found: Violation[];

    // A copy of lib/ with planted breaks; lib/ itself is never touched.
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), "architecture-"));
      cpSync(join(root, "lib"), join(scratch, "lib"), { recursive: true });
      for (const file of ["tsconfig.json", "tsconfig.base.json", "package.json"]) {
        cpSync(join(root, file), join(scratch, file));
      }
      symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
      const plant = (file: string, text: string): void => writeFileSync(join(scratch, "lib", file), text);
      // The engine reaching up into tab sharing.
      appendFileSync(join(scratch, "lib/refresh/tokenKeeper.ts"), '\nimport "../sharing/tabs/tabShare.js";\n');
      // A circle of value imports, and one that a type-only import closes.
      plant("support/valueA.ts", 'import { b } from "./valueB.js";\nexport const a = b;\n');
      plant("support/valueB.ts", 'import { a } from "./valueA.js";\nexport const b = () => a;\n');
      plant("support/typeA.ts", 'import { b } from "./typeB.js";\nexport const a = b;\n');
      plant(
        "support/typeB.ts",
        'import type { a } from "./typeA.js";\nexport const b = 1;\nexport type A = typeof a;\n',
      );
      // A folder the rules do not know, with a file that imports and one that does not.
      mkdirSync(join(scratch, "lib/pool"));
      plant("pool/pool.ts", 'import type { AccessToken } from "../types.js";\nexport type Pooled = AccessToken;\n');
      plant("pool/alone.ts", "export const alone = 1;\n");
      found = cruise(scratch).summary.violations;
    }, 30_000);

    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it("an import upward: refresh/ importing sharing/", () => {
      expect(found).toContainEqual(
        expect.objectContaining({
          from: "lib/refresh/tokenKeeper.ts",
          to: "lib/sharing/tabs/tabShare.ts",
          rule: expect.objectContaining({ name: "refresh-imports-only-below" }),
        }),
      );
    });

    it("an import circle of value imports, and not one that a type-only import closes", () => {
      const circles = found
        .filter((violation) => violation.rule.name === "no-circular")
        .flatMap(({ from, cycle }) => [from, ...(cycle ?? []).map(({ name }) => name)]);
      expect(circles).toEqual(expect.arrayContaining(["lib/support/valueA.ts", "lib/support/valueB.ts"]));
      expect(circles).not.toContain("lib/support/typeA.ts");
      expect(circles).not.toContain("lib/support/typeB.ts");
    });

    it("a folder of lib/ that has no place in the layering", () => {
      const unknown = found.filter((violation) => violation.rule.name.startsWith("known-room")).map(({ from }) => from);
      expect(unknown).toEqual(expect.arrayContaining(["lib/pool/pool.ts", "lib/pool/alone.ts"]));
    });
  });
});
