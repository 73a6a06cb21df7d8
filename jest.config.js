/**
 * Jest runs the TypeScript specs as CommonJS through ts-jest (type-checking is `npm run typecheck`).
 * Relative imports keep their ".js" suffix in the sources, as Node's ESM needs, and lose it here.
 */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/spec"],
  testMatch: ["**/*.spec.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": [
      "ts-jest",
      { tsconfig: { module: "CommonJS", moduleResolution: "Bundler", isolatedModules: true, types: ["node", "jest"] } },
    ],
  },
};
