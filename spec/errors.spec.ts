import {
  CredentialDisposedError,
  HttpStatusError,
  InvalidTokenError,
  RefreshTimeoutError,
  TokenEndpointError,
  TokenExchangeError,
  TokenExpiredError,
} from "../lib/index.js";

describe("error classes", () => {
  it.each([
    ["CredentialDisposedError", new CredentialDisposedError(), CredentialDisposedError],
    ["TokenExpiredError", new TokenExpiredError("expired", 0), TokenExpiredError],
    ["InvalidTokenError", new InvalidTokenError("invalid"), InvalidTokenError],
    ["RefreshTimeoutError", new RefreshTimeoutError(5), RefreshTimeoutError],
  ])("%s has a fixed name and is an Error", (name, error, ErrorClass) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ErrorClass);
  });

  it("match an error of the same name from another copy of the package (instanceof compares names)", () => {
    class TokenExpiredErrorFromAnotherCopy extends Error {
      override readonly name = "TokenExpiredError";
    }
    const foreign = new TokenExpiredErrorFromAnotherCopy("expired");
    expect(foreign instanceof TokenExpiredError).toBe(true);
    expect(foreign instanceof RefreshTimeoutError).toBe(false);
    expect(new Error("plain") instanceof TokenExpiredError).toBe(false);
    expect((null as unknown) instanceof TokenExpiredError).toBe(false);
    expect({ name: "TokenExpiredError" } instanceof TokenExpiredError).toBe(false);
  });

  it("RefreshTimeoutError says how long it waited", () => {
    const error = new RefreshTimeoutError(30_000);
    expect(error.timeoutMs).toBe(30_000);
    expect(error.message).toBe("The tokenRefresher did not settle within 30000 ms; the refresh was cancelled.");
  });
});

describe("HttpStatusError: the one base of the errors that carry an HTTP status", () => {
  it("C27, A5: TokenEndpointError and TokenExchangeError are HttpStatusErrors, keeping their names", () => {
    for (const error of [
      new TokenEndpointError("answered 429.", 429, 3_000),
      new TokenExchangeError("429", 429, 3_000),
    ]) {
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 3_000 });
    }
    expect(new TokenEndpointError("x", 500).name).toBe("TokenEndpointError");
    expect(new TokenExchangeError("x", 500).name).toBe("TokenExchangeError");
    expect(new HttpStatusError("answered 502.", 502)).toMatchObject({
      name: "HttpStatusError",
      status: 502,
      retryAfterMs: undefined,
    });
  });

  it("C27, A5: matches the status errors of another copy of the package by name, and no other error", () => {
    class TokenExchangeErrorFromAnotherCopy extends Error {
      override readonly name = "TokenExchangeError";
    }
    class HttpStatusErrorFromAnotherCopy extends Error {
      override readonly name = "HttpStatusError";
    }
    expect(new TokenExchangeErrorFromAnotherCopy("503") instanceof HttpStatusError).toBe(true);
    expect(new HttpStatusErrorFromAnotherCopy("503") instanceof HttpStatusError).toBe(true);
    expect(new InvalidTokenError("no token") instanceof HttpStatusError).toBe(false);
    expect(new Error("plain") instanceof HttpStatusError).toBe(false);
    expect({ name: "TokenEndpointError" } instanceof HttpStatusError).toBe(false);
    expect(new HttpStatusError("x", 500) instanceof TokenEndpointError).toBe(false);
  });

  it("an app's own subclass is an HttpStatusError, and asked about itself matches only its own", () => {
    class GatewayError extends HttpStatusError {
      override readonly name = "GatewayError";
    }
    expect(new GatewayError("answered 502.", 502) instanceof HttpStatusError).toBe(true);
    expect(new TokenEndpointError("answered 502.", 502) instanceof GatewayError).toBe(false);
  });
});
