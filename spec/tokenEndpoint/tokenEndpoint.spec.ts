import { TokenEndpointError, tokenEndpoint } from "../../lib/index.js";
import { HOUR, jwtValidFor, OPAQUE_TOKEN } from "../support/tokens.js";
import { endpointOnLoopback, rejectionOf, until } from "./harness.js";

describe("C27: tokenEndpoint, end to end against a token endpoint on 127.0.0.1", () => {
  const endpoint = endpointOnLoopback();

  describe("C27: accepts the shapes backends answer with", () => {
    const expiresAt = () => Math.floor(Date.now() / 1000) * 1000 + HOUR;

    it.each([
      ["an ISO date in UTC", (at: number) => new Date(at).toISOString()],
      ["an ISO date with an offset", (at: number) => new Date(at + HOUR).toISOString().replace("Z", "+01:00")],
      ["an ISO date with .NET's 7 fractional digits", (at: number) => new Date(at).toISOString().replace("Z", "0000Z")],
    ])("C27: JSON { token, expiresOn } with expiresOn %s", async (_, expiresOn) => {
      const token = jwtValidFor(2 * HOUR);
      const at = expiresAt();
      endpoint.answer = { status: 200, body: { token, expiresOn: expiresOn(at), user: { id: "8:acs:1" } } };
      await expect(endpoint.credentialFor().getToken()).resolves.toMatchObject({ token, expiresOnTimestamp: at });
    });

    it("C27: JSON { token, expiresOnTimestamp }, also with a +json media type", async () => {
      const token = jwtValidFor(2 * HOUR);
      const at = expiresAt();
      const headers = { "content-type": "application/vnd.contoso+json; charset=utf-8" };
      endpoint.answer = { status: 200, body: { token, expiresOnTimestamp: at }, headers };
      await expect(endpoint.credentialFor().getToken()).resolves.toMatchObject({ token, expiresOnTimestamp: at });
    });

    it.each([
      ["text/plain with a trailing newline", "text/plain; charset=utf-8", "\n"],
      ["text/plain with a trailing CRLF", "text/plain", "\r\n"],
      ["no Content-Type", "", ""],
    ])("C27: a bare JWT as %s; its exp is the expiry", async (_, contentType, end) => {
      const token = jwtValidFor(HOUR);
      endpoint.answer = { status: 200, rawBody: token + end, headers: { "content-type": contentType } };
      const accessToken = await endpoint.credentialFor().getToken();
      expect(accessToken.token).toBe(token);
      expect(accessToken.expiresOnTimestamp).toBeGreaterThan(Date.now() + HOUR - 10_000);
    });

    it("C27: a bare token as a JSON string", async () => {
      endpoint.answer = { status: 200, body: OPAQUE_TOKEN };
      await expect(endpoint.credentialFor().getToken()).resolves.toMatchObject({ token: OPAQUE_TOKEN });
    });
  });

  it("C27: sends the credential's signal: a caller's abort, with nobody else waiting, abandons the request", async () => {
    endpoint.answer = "hang";
    const controller = new AbortController();
    const call = endpoint.credentialFor().getToken({ abortSignal: controller.signal });
    await until(() => endpoint.server.received.length === 1);
    expect(endpoint.server.abandoned).toBe(0);
    controller.abort();
    expect((await rejectionOf(call)).name).toBe("AbortError");
    await until(() => endpoint.server.abandoned === 1);
  });

  it("C27: sends init's method, headers and body, with the URL as given", async () => {
    endpoint.answer = { status: 200, body: { token: OPAQUE_TOKEN, expiresOnTimestamp: Date.now() + HOUR } };
    const init = { method: "POST", headers: { "X-CSRF-Token": "csrf-1" }, body: '{"scope":"voip"}' };
    await endpoint.credentialFor("/api/acs-token?tenant=7", { init }).getToken();
    const [request] = endpoint.server.received;
    expect(request?.method).toBe("POST");
    expect(request?.pathAndQuery).toBe("/api/acs-token?tenant=7");
    expect(request?.headers["x-csrf-token"]).toBe("csrf-1");
    expect(request?.body.toString()).toBe('{"scope":"voip"}');
  });

  it("C27: init reaches the fetch whole (credentials included), with a signal the refresher's abort reaches", async () => {
    // The request's signal is the attempt's own (C29's attemptTimeoutMs), linked to the refresher's.
    const fetch = jest.fn(
      (_url: string, init: RequestInit) =>
        new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason))),
    );
    const init = { credentials: "include", headers: { Accept: "text/plain" }, cache: "no-store" } as const;
    const controller = new AbortController();
    const refresh = tokenEndpoint("https://app.example/api/acs-token", { fetch, init })(controller.signal);
    expect(fetch).toHaveBeenCalledWith("https://app.example/api/acs-token", {
      ...init,
      redirect: "manual", // unless init says otherwise: tokenEndpoint follows no redirect (A1)
      signal: expect.any(AbortSignal),
    });
    const reason = new Error("nobody waits any more");
    controller.abort(reason);
    await expect(refresh).rejects.toBe(reason);
    expect(fetch.mock.calls[0]?.[1].signal?.reason).toBe(reason);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  describe("C27: a non-2xx answer is a TokenEndpointError", () => {
    it.each([
      [401, {}, undefined],
      [404, {}, undefined],
      [429, { "retry-after": "7" }, 7_000],
      [503, { "retry-after": "0" }, 0],
      [429, {}, undefined],
      [503, { "retry-after": "soon" }, undefined],
      [500, { "retry-after": "7" }, undefined],
      [301, { "retry-after": "7", location: "/elsewhere" }, undefined],
    ])("C27: %d with headers %j → status and retryAfterMs %s", async (status, headers, retryAfterMs) => {
      endpoint.answer = { status, headers, body: { error: "nope" } };
      const init = { redirect: "manual" } as const;
      const error = await rejectionOf(endpoint.credentialFor("/api/acs-token", { init, retry: false }).getToken());
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).toMatchObject({ name: "TokenEndpointError", status, retryAfterMs });
      expect(error.message).toContain(`answered ${status}`);
      // A redirect's message goes on to say that it is not followed, and why it may have come.
      expect(error.message).toContain(`The token endpoint ${endpoint.server.origin} answered ${status}`);
      expect(error.message).not.toContain("/api/acs-token");
    });

    it("C27: a 503 whose Retry-After is an HTTP date asks for the wait to that date, by the server's Date", async () => {
      endpoint.answer = { status: 503, headers: { "retry-after": new Date(Date.now() + 120_000).toUTCString() } };
      const error = await rejectionOf(endpoint.credentialFor().getToken());
      expect(error).toMatchObject({ status: 503 });
      const { retryAfterMs } = error as TokenEndpointError;
      expect(retryAfterMs).toBeGreaterThanOrEqual(119_000); // both dates are whole seconds
      expect(retryAfterMs).toBeLessThanOrEqual(121_000);
    });
  });
});
