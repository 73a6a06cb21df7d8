import { CredentialDisposedError, InvalidTokenError, RefreshTimeoutError, TokenExpiredError } from "../lib/index.js";

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
