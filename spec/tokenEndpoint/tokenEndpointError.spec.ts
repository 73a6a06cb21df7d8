import { TokenEndpointError, TokenExchangeError } from "../../lib/index.js";

describe("C27: TokenEndpointError", () => {
  it("C27: has a fixed name, a status and retryAfterMs, and is an Error", () => {
    const error = new TokenEndpointError("The token endpoint answered 429.", 429, 3_000);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: "TokenEndpointError", status: 429, retryAfterMs: 3_000 });
    expect(new TokenEndpointError("answered 401.", 401).retryAfterMs).toBeUndefined();
  });

  it("C27: matches an error of the same name from another copy of the package, and no other error", () => {
    class TokenEndpointErrorFromAnotherCopy extends Error {
      override readonly name = "TokenEndpointError";
    }
    expect(new TokenEndpointErrorFromAnotherCopy("answered 500.") instanceof TokenEndpointError).toBe(true);
    expect(new TokenExchangeError("answered 500.", 500) instanceof TokenEndpointError).toBe(false);
    expect({ name: "TokenEndpointError" } instanceof TokenEndpointError).toBe(false);
  });
});
