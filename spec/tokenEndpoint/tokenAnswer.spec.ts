import { InvalidTokenError, tokenEndpoint } from "../../lib/index.js";
import { HOUR, jwtValidFor, OPAQUE_TOKEN } from "../support/tokens.js";
import { endpointOnLoopback, rejectionOf } from "./harness.js";

describe("C27: a 2xx answer that holds no token is an InvalidTokenError saying what it looked like", () => {
  const endpoint = endpointOnLoopback();

  it.each([
    ["JSON without a token", { body: { error: "expired", message: "x" } }, /application\/json.*keys: error, message/],
    ["JSON whose token is a number", { body: { token: 42 } }, /`token` is a number/],
    ["JSON null", { rawBody: "null" }, /JSON null/],
    ["an empty JSON object", { body: {} }, /a JSON object without a `token` \(no keys\)/],
    ["a JSON array", { body: ["a"] }, /a JSON array/],
    ["JSON text that is not JSON", { rawBody: "{token:" }, /not JSON/],
    ["an empty body", { rawBody: "", headers: { "content-type": "text/plain" } }, /text\/plain and an empty body/],
    ["an HTML page", { rawBody: "<!doctype html><p>app</p>", headers: { "content-type": "text/html" } }, /web page/],
    ["text/html without a tag", { rawBody: OPAQUE_TOKEN, headers: { "content-type": "text/html" } }, /web page/],
    ["HTML sent as text/plain", { rawBody: "\n<html></html>", headers: { "content-type": "text/plain" } }, /web page/],
  ])("C27: %s", async (_, answer, message) => {
    endpoint.answer = { status: 200, ...answer };
    const error = await rejectionOf(endpoint.credentialFor().getToken());
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`The token endpoint ${endpoint.server.origin} answered 200`);
    expect(error.message).not.toContain("/api/acs-token");
  });

  it.each(["text/plain", "text/html"])(
    "C27: JSON of the token's shape sent as %s is read as JSON (servers that mislabel it)",
    async (contentType) => {
      const token = jwtValidFor(HOUR);
      const body = JSON.stringify({ token, expiresOn: new Date(Date.now() + HOUR) });
      endpoint.answer = { status: 200, rawBody: body, headers: { "content-type": contentType } };
      expect((await endpoint.credentialFor().getToken()).token).toBe(token);
    },
  );

  it("C27: a second trailing newline is not trimmed: the credential names the white space", async () => {
    endpoint.answer = { status: 200, rawBody: `${jwtValidFor(HOUR)}\n\n`, headers: { "content-type": "text/plain" } };
    const error = await rejectionOf(endpoint.credentialFor().getToken());
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/white space/);
  });

  it("C1, C27: a token shape the credential refuses (expiresOn in seconds) reaches the caller as its error, saying so", async () => {
    endpoint.answer = { status: 200, body: { token: OPAQUE_TOKEN, expiresOn: 1_900_000_000 } };
    const error = await rejectionOf(endpoint.credentialFor().getToken());
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.message).toMatch(/`expiresOn` that is neither a Date nor a date string/);
    expect(error.message).toMatch(/looks like seconds since the epoch: expiresOnTimestamp must be milliseconds/);
  });
});

describe("C27: an answer without a Content-Type", () => {
  it("C27: is read as JSON when it opens like JSON (some servers omit the header), else as a bare token", async () => {
    const token = jwtValidFor(HOUR);
    const expiresOn = new Date(Date.now() + HOUR).toISOString();
    const untyped = (text: string) => async () => new Response(new TextEncoder().encode(text)); // no Content-Type
    const json = await tokenEndpoint("https://tokens.example/acs", {
      fetch: untyped(JSON.stringify({ token, expiresOn })),
    })(new AbortController().signal);
    expect(json).toEqual({ token, expiresOn });
    const bare = await tokenEndpoint("https://tokens.example/acs", { fetch: untyped(`${token}\n`) })(
      new AbortController().signal,
    );
    expect(bare).toBe(token);
  });
});
