import { rejectUnknownOptions } from "../../lib/support/optionNames.js";

// The one check of option names, which every function taking options uses (C2, C23, C27, C28, A2).
const KNOWN = new Set(["fetch", "init", "retry", "protectedResources"]);

describe("C2: rejectUnknownOptions", () => {
  it("lets known names through", () => {
    expect(() => rejectUnknownOptions({ fetch, retry: false }, KNOWN)).not.toThrow();
  });

  it.each([
    ["a misspelling", { fecth: 1 }, "Unknown option options.fecth: did you mean fetch?"],
    ["a plural", { retries: 3 }, "Unknown option options.retries: did you mean retry?"],
    [
      "a singular",
      { protectedResource: [] },
      "Unknown option options.protectedResource: did you mean protectedResources?",
    ],
    ["a name close to none", { timeoutMs: 5 }, "Unknown option options.timeoutMs."],
  ])("names %s, with the name it most likely meant", (_, options, message) => {
    expect(() => rejectUnknownOptions(options, KNOWN)).toThrow(new TypeError(message));
  });

  it("words the message with the caller, the prefix and a hint", () => {
    const rule = { caller: "tokenEndpoint: ", prefix: "options.retry.", hint: "It takes fetch and init." };
    expect(() => rejectUnknownOptions({ inti: {} }, KNOWN, rule)).toThrow(
      new TypeError("tokenEndpoint: Unknown option options.retry.inti: did you mean init? It takes fetch and init."),
    );
  });

  it("with misspellingsOnly, lets through a name close to none, and still refuses a misspelling", () => {
    expect(() => rejectUnknownOptions({ next: { revalidate: 0 } }, KNOWN, { misspellingsOnly: true })).not.toThrow();
    expect(() => rejectUnknownOptions({ fetc: 1 }, KNOWN, { misspellingsOnly: true })).toThrow(/did you mean fetch\?/);
  });
});
