/**
 * The layering of lib/ (docs/architecture.md), checked by dependency-cruiser:
 * `npm run depcruise`, and spec/architecture.spec.ts in `npm test`.
 *
 * Rooms are folders of lib/. Each room may import itself, the leaves (lib/errors.ts, lib/types.ts)
 * and the rooms listed for it below, all of which sit lower; nothing imports upward. Type-only imports
 * count for the layering (a type names the room it comes from just as a value does) but not for
 * cycles: a circle closed by an `import type` costs nothing at run time.
 *
 * @type {import("dependency-cruiser").IConfiguration}
 */

const LEAVES = "^lib/(errors|types)\\.ts$";
const room = (name) => `^lib/${name}/`;

/**
 * What each room may import besides itself and the leaves, lowest room first. A room not listed
 * here fails the "known-room" rule, so that a new folder comes with its place in the layering.
 */
const MAY_IMPORT = {
  support: [],
  token: ["support"],
  time: ["support"],
  limiter: ["time", "support"],
  options: ["limiter", "time", "token", "support"],
  refresh: ["options", "limiter", "time", "token", "support"],
  // Sharing implements the engine's extension point and nothing else of the engine: of refresh/ it
  // sees only tokenSharing.ts (TokenSharing, JoinTokenSharing, TokenSharingHooks).
  sharing: ["refresh/tokenSharing.ts", "time", "token", "support"],
  // Token sources and the rest of "common". They may name the limiter because their options carry the
  // credential's `refreshLimiter` (entra/entraOptions.ts): the limiter sits below options/, so this
  // lets no room reach upward. None needs refresh/: a source is a TokenRefresher (options/), which
  // the engine calls; it never calls the engine.
  tokenEndpoint: ["options", "limiter", "time", "token", "support"],
  entra: ["options", "limiter", "time", "token", "support"],
  auth: ["options", "limiter", "time", "token", "support"],
  identifiers: ["support"],
};

/** A room ("time") or one file of a room ("refresh/tokenSharing.ts"), as a path pattern and as words. */
const target = (entry) => (entry.endsWith(".ts") ? `^lib/${entry.replace(/\./g, "\\.")}$` : room(entry));
const label = (entry) => (entry.endsWith(".ts") ? `lib/${entry}` : `lib/${entry}/`);

const roomRules = Object.entries(MAY_IMPORT).map(([name, below]) => ({
  name: `${name}-imports-only-below`,
  comment:
    `lib/${name}/ may import itself, the leaves (lib/errors.ts, lib/types.ts)` +
    below.map((entry) => `, ${label(entry)}`).join("") +
    "; nothing else of lib/.",
  severity: "error",
  from: { path: room(name) },
  to: { path: "^lib/", pathNot: [room(name), LEAVES, ...below.map(target)] },
}));

/** Every file of lib/ sits in one of these; the entries and the leaves sit at its top level. */
const KNOWN_ROOMS = [
  ...Object.keys(MAY_IMPORT).map(room),
  room("angular"),
  LEAVES,
  "^lib/(index|CommunicationTokenCredential)\\.ts$",
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment:
        "No import circles. A circle that an `import type` closes is allowed: it is erased at compile " +
        "time (today: limiter/refreshLimiter.ts ↔ limiter/refreshQueue.ts, whose way back is a type).",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "known-room",
      comment:
        "A file of lib/ outside the known rooms: add the room to MAY_IMPORT in .dependency-cruiser.cjs " +
        "(and to docs/architecture.md) with what it may import.",
      severity: "error",
      from: { path: "^lib/", pathNot: KNOWN_ROOMS },
      to: {},
    },
    {
      name: "known-room-orphan",
      comment: "As known-room, for a file that imports nothing and nothing imports.",
      severity: "error",
      from: { path: "^lib/", pathNot: KNOWN_ROOMS, orphan: true },
      to: {},
    },
    {
      name: "types-imports-nothing",
      comment: "lib/types.ts is the lowest leaf: structural types only, importing nothing of lib/.",
      severity: "error",
      from: { path: "^lib/types\\.ts$" },
      to: { path: "^lib/" },
    },
    {
      name: "errors-imports-only-types",
      comment: "lib/errors.ts is a leaf: it may import lib/types.ts and nothing else of lib/.",
      severity: "error",
      from: { path: "^lib/errors\\.ts$" },
      to: { path: "^lib/", pathNot: "^lib/types\\.ts$" },
    },
    ...roomRules,
    {
      name: "entry-points-not-imported",
      comment:
        "Nothing inside lib/ imports an entry point (lib/index.ts, lib/angular/index.ts): they are " +
        "for users, and importing one would pull every export in.",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^lib/(angular/)?index\\.ts$" },
    },
    {
      name: "credential-class-only-from-entries",
      comment:
        "lib/CommunicationTokenCredential.ts wires sources and sharing into the engine from above: only " +
        "the entry points (lib/index.ts, lib/angular/) import it.",
      severity: "error",
      from: { path: "^lib/", pathNot: ["^lib/index\\.ts$", room("angular")] },
      to: { path: "^lib/CommunicationTokenCredential\\.ts$" },
    },
    {
      name: "angular-only-from-angular",
      comment:
        "lib/angular/ is a separate entry point (rx-communication-common/angular) on top of everything: " +
        "nothing else imports it, so the main entry never loads Angular.",
      severity: "error",
      from: { path: "^lib/", pathNot: room("angular") },
      to: { path: room("angular") },
    },
    {
      name: "angular-packages-only-in-angular",
      comment: "Only lib/angular/ imports @angular/*: the main entry point runs without Angular.",
      severity: "error",
      from: { path: "^lib/", pathNot: room("angular") },
      to: { path: "(^|/)node_modules/@angular/" },
    },
    {
      name: "only-declared-packages",
      comment:
        "lib/ runs in browsers and Node alike: it imports rxjs, jwt-decode and (lib/angular/ only) " +
        "@angular/core and @angular/common — no Node built-ins, no other package.",
      severity: "error",
      from: { path: "^lib/" },
      to: {
        couldNotResolve: false,
        pathNot: ["^lib/", "(^|/)node_modules/(rxjs|jwt-decode|@angular/(core|common))/"],
      },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve to a file (a typo, or a file that moved).",
      severity: "error",
      from: { path: "^lib/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Keep `import type` and `export type` in the graph, marked "type-only" (the no-circular rule reads it).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "(^|/)node_modules/" },
    // Resolve packages through their "exports" to their types, as tsc does; @angular/* publish only
    // "types" and "default" conditions.
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "require", "node", "default"],
      mainFields: ["types", "typings", "module", "main"],
    },
  },
};
