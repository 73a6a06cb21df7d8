import { VirtualTimeScheduler } from "rxjs";
import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  InsecureConnectionError,
  InvalidEndpointError,
  RefreshTimeoutError,
  TokenExchangeError,
  TokenExpiredError,
} from "../../lib/index.js";
import {
  exchanged,
  fakeEntraCredential as entraCredential,
  gapsBetween,
  runUntilSettled,
  startExchangeServer,
} from "../support/exchangeServer.js";
import type { LoopbackServer } from "../support/loopbackServer.js";

const HOUR = 3_600_000;
const VOIP = "https://communication.azure.com/clients/VoIP";
const TEAMS = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";
// Virtual time runs ahead while the loopback server answers in real time, so a hedged second exchange
// (C29) would start during every request; these tests are about the exchange's own retries.
const onVirtualTime = (scheduler: VirtualTimeScheduler) => ({ scheduler, hedgeAfterMs: false as const });

describe("Entra ID token exchange against an emulated ACS on 127.0.0.1 (the JS and .NET SDKs' Entra test cases)", () => {
  let server: LoopbackServer | undefined;
  const credentials: CommunicationTokenCredential[] = [];
  const create = (options: ConstructorParameters<typeof CommunicationTokenCredential>[0]) => {
    const credential = new CommunicationTokenCredential(options);
    credentials.push(credential);
    return credential;
  };
  afterEach(async () => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    await server?.close();
    server = undefined;
  });

  describe.each([
    ["Communication clients", VOIP, "/access/entra/:exchangeAccessToken"],
    ["Teams extension", TEAMS, "/access/teamsExtension/:exchangeAccessToken"],
  ])("with %s scopes", (_, scope, path) => {
    it("JS: token exchange is called when passing an Entra credential", async () => {
      server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
      const tokenCredential = entraCredential();
      const credential = create({ resourceEndpoint: server.origin, tokenCredential, scopes: [scope] });
      expect((await credential.getToken()).token).toBe("acsToken");
      expect(tokenCredential.getToken).toHaveBeenCalledWith([scope], expect.anything());
      expect(server.received).toHaveLength(1);
      expect(new URL(server.received[0]?.pathAndQuery ?? "", server.origin).pathname).toBe(path);
      expect(server.received[0]?.headers.authorization).toBe("Bearer entraToken");
    });

    it("JS: token exchange is not called again when the Entra token stays the same", async () => {
      server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
      const credential = create({
        resourceEndpoint: server.origin,
        tokenCredential: entraCredential(),
        scopes: [scope],
      });
      await credential.getToken();
      await credential.getToken();
      expect(server.received).toHaveLength(1);
    });

    it("JS: token exchange gets called again when the Entra token changes", async () => {
      server = await startExchangeServer(
        exchanged("acsToken", Date.now() + HOUR),
        exchanged("newAcsToken", Date.now() + HOUR),
      );
      const tokenCredential = entraCredential();
      const credential = create({ resourceEndpoint: server.origin, tokenCredential, scopes: [scope] });
      await credential.getToken();
      tokenCredential.token = "newEntraToken";
      expect((await credential.getToken()).token).toBe("newAcsToken");
      expect(server.received[1]?.headers.authorization).toBe("Bearer newEntraToken");
    });

    // The JS SDK hands out the expired ACS token and exchanges on the next call; ours never hands out
    // an expired token (C6, C7): that call fails with TokenExpiredError, and the next one exchanges.
    it("JS: token exchange gets called again when the ACS token has expired", async () => {
      server = await startExchangeServer(
        exchanged("expired", Date.now() - 60_000),
        exchanged("acsToken", Date.now() + HOUR),
      );
      const credential = create({
        resourceEndpoint: server.origin,
        tokenCredential: entraCredential(),
        scopes: [scope],
      });
      await expect(credential.getToken()).rejects.toBeInstanceOf(TokenExpiredError);
      expect((await credential.getToken()).token).toBe("acsToken");
      expect(server.received).toHaveLength(2);
    });

    it("JS: retries when the service is busy (503 with Retry-After: 0)", async () => {
      server = await startExchangeServer(
        { status: 503, headers: { "retry-after": "0" } },
        exchanged("acsToken", Date.now() + HOUR),
      );
      const credential = create({
        resourceEndpoint: server.origin,
        tokenCredential: entraCredential(),
        scopes: [scope],
      });
      expect((await credential.getToken()).token).toBe("acsToken");
      expect(server.received).toHaveLength(2);
    });
  });

  it("JS/.NET: the default scope is used when none is given, and selects the Entra exchange", async () => {
    server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
    const tokenCredential = entraCredential();
    await create({ resourceEndpoint: server.origin, tokenCredential }).getToken();
    expect(tokenCredential.getToken).toHaveBeenCalledWith(
      ["https://communication.azure.com/clients/.default"],
      expect.anything(),
    );
    expect(server.received[0]?.pathAndQuery).toBe("/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview");
  });

  it("accepts the endpoint with a trailing slash, as the Azure portal shows it", async () => {
    server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
    const credential = create({ resourceEndpoint: `${server.origin}/`, tokenCredential: entraCredential() });
    expect((await credential.getToken()).token).toBe("acsToken");
    expect(server.received[0]?.pathAndQuery).toBe("/access/entra/:exchangeAccessToken?api-version=2025-03-02-preview");
  });

  // The JS SDK answers an already-aborted call with an empty token; ours rejects with the signal's
  // reason (C8), as fetch does, and asks nothing of Entra or ACS.
  it("JS: respects an already-aborted signal: rejects at once, no Entra call, no exchange", async () => {
    server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
    const tokenCredential = entraCredential();
    const credential = create({ resourceEndpoint: server.origin, tokenCredential });
    const reason = new Error("navigated away");
    await expect(credential.getToken({ abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(tokenCredential.getToken).not.toHaveBeenCalled();
    expect(server.received).toHaveLength(0);
  });

  it("JS: continues when the abort signal isn't aborted", async () => {
    server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
    const credential = create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() });
    expect((await credential.getToken({ abortSignal: new AbortController().signal })).token).toBe("acsToken");
  });

  it("JS: retries only 3 times when the service is busy, then fails with the status", async () => {
    server = await startExchangeServer(
      {
        status: 503,
        headers: { "retry-after": "0" },
        body: { error: { code: "ServiceUnavailable", message: "busy" } },
      },
      { status: 503, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after": "0" } },
      { status: 503, headers: { "retry-after": "0" } },
      exchanged("acsToken", Date.now() + HOUR),
    );
    const error = (await create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() })
      .getToken()
      .catch((e: unknown) => e)) as TokenExchangeError;
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error.status).toBe(503);
    expect(error.message).toContain("Service Unavailable");
    expect(server.received).toHaveLength(4);
  });

  it("JS: returns an error when the token exchange fails (401 Unauthorized), without any token in it", async () => {
    server = await startExchangeServer({ status: 401, body: { error: "Unauthorized" } });
    const error = (await create({ resourceEndpoint: server.origin, tokenCredential: entraCredential("secret-entra") })
      .getToken()
      .catch((e: unknown) => e)) as TokenExchangeError;
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error.status).toBe(401);
    expect(error.message).toContain("Unauthorized");
    expect(error.message).not.toContain("secret-entra");
  });

  it.each([
    ["a 400", { status: 400, body: { error: { code: "BadRequest", message: "nope" } } }, 400],
    ["a 200 without accessToken (.NET ThrowsInvalidJson)", { status: 200, body: { identity: {} } }, 200],
    ["a 200 that is not JSON", { status: 200, rawBody: "<html>" }, 200],
  ])(".NET: %s fails with TokenExchangeError", async (_, answer, status) => {
    server = await startExchangeServer(answer);
    const error = await create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect((error as TokenExchangeError).status).toBe(status);
  });

  it(".NET: many getToken calls return the cached ACS token: one exchange (Entra is asked each time, as the JS SDK does, to notice a new sign-in)", async () => {
    server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
    const tokenCredential = entraCredential();
    const credential = create({ resourceEndpoint: server.origin, tokenCredential });
    for (let i = 0; i < 11; i++) await credential.getToken();
    expect(server.received).toHaveLength(1);
    expect(tokenCredential.getToken).toHaveBeenCalledTimes(11);
  });

  // .NET waits exactly 1 s, 2 s, 4 s; ours draws each wait from its upper half (issue 10), so that
  // credentials refused together do not come back together.
  it(".NET: retries three times on transient 500s, waiting about 1 s, 2 s, 4 s (jittered), then fails", async () => {
    server = await startExchangeServer({ status: 500 });
    const scheduler = new VirtualTimeScheduler();
    const requestedAt: number[] = [];
    const credential = create({
      ...onVirtualTime(scheduler),
      resourceEndpoint: server.origin,
      tokenCredential: entraCredential(),
    });
    const pending = credential.getToken();
    const original = server.received.push.bind(server.received);
    server.received.push = (...requests) => (requestedAt.push(scheduler.frame), original(...requests));
    await expect(runUntilSettled(pending, scheduler)).rejects.toBeInstanceOf(TokenExchangeError);
    const gaps = gapsBetween(requestedAt);
    expect(gaps).toHaveLength(3);
    [1_000, 2_000, 4_000].forEach((ceiling, retry) => {
      expect(gaps[retry]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(gaps[retry]).toBeLessThanOrEqual(ceiling);
    });
  });

  it("honours Retry-After on a 429", async () => {
    server = await startExchangeServer(
      { status: 429, headers: { "retry-after": "2" } },
      exchanged("acsToken", Date.now() + HOUR),
    );
    const scheduler = new VirtualTimeScheduler();
    const credential = create({
      ...onVirtualTime(scheduler),
      resourceEndpoint: server.origin,
      tokenCredential: entraCredential(),
    });
    expect((await runUntilSettled(credential.getToken(), scheduler)) as { token: string }).toMatchObject({
      token: "acsToken",
    });
    expect(scheduler.frame).toBe(2_000);
  });

  // Waiting 60 s inside a 30 s refresh would only end in a RefreshTimeoutError that hides the 429.
  it("A5: a 429 whose Retry-After ends after refreshTimeoutMs fails at once with TokenExchangeError and retryAfterMs", async () => {
    server = await startExchangeServer(
      { status: 429, headers: { "retry-after": "60" } },
      exchanged("acsToken", Date.now() + HOUR),
    );
    const scheduler = new VirtualTimeScheduler();
    const credential = create({
      ...onVirtualTime(scheduler),
      resourceEndpoint: server.origin,
      tokenCredential: entraCredential(),
    });
    const error = await runUntilSettled(credential.getToken(), scheduler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenExchangeError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 60_000 });
    expect(scheduler.frame).toBe(0);
    expect(server.received).toHaveLength(1);
  });

  it("C9: an exchange that hangs fails with RefreshTimeoutError", async () => {
    server = await startExchangeServer("hang");
    const scheduler = new VirtualTimeScheduler();
    const credential = create({
      resourceEndpoint: server.origin,
      tokenCredential: entraCredential(),
      scheduler,
      refreshTimeoutMs: 5_000,
    });
    await expect(runUntilSettled(credential.getToken(), scheduler, 60_000)).rejects.toBeInstanceOf(RefreshTimeoutError);
  });

  describe("construction (.NET options tests)", () => {
    it.each<[string, unknown, ErrorConstructor | typeof InvalidEndpointError | typeof InsecureConnectionError, RegExp]>(
      [
        [
          "a null endpoint",
          { resourceEndpoint: null, tokenCredential: entraCredential() },
          TypeError,
          /options\.resourceEndpoint/,
        ],
        [
          "an empty endpoint",
          { resourceEndpoint: "", tokenCredential: entraCredential() },
          TypeError,
          /options\.resourceEndpoint/,
        ],
        [
          "an endpoint with a path",
          { resourceEndpoint: "https://x/path", tokenCredential: entraCredential() },
          InvalidEndpointError,
          /no path/,
        ],
        [
          "A4: an endpoint with a user name and password (issue 10)",
          { resourceEndpoint: "https://user:pw@x.communication.azure.com", tokenCredential: entraCredential() },
          InvalidEndpointError,
          /^(?!.*pw).*user name or password/,
        ],
        [
          "A1: plain http to a host that is not a loopback one (issue 10)",
          { resourceEndpoint: "http://x.communication.azure.com", tokenCredential: entraCredential() },
          InsecureConnectionError,
          /^Refusing to send an Entra ID token to http:\/\/x\.communication\.azure\.com:/,
        ],
        [
          "no credential",
          { resourceEndpoint: "https://x.communication.azure.com" },
          TypeError,
          /options\.tokenCredential/,
        ],
        [
          "empty scopes",
          { resourceEndpoint: "https://x", tokenCredential: entraCredential(), scopes: [] },
          TypeError,
          /^Scopes validation failed/,
        ],
        [
          "unknown scopes",
          {
            resourceEndpoint: "https://x",
            tokenCredential: entraCredential(),
            scopes: ["https://contoso.com/clients/unknown"],
          },
          TypeError,
          /^Scopes validation failed/,
        ],
        [
          "an unknown option",
          { resourceEndpoint: "https://x", tokenCredential: entraCredential(), scope: VOIP },
          TypeError,
          /^Unknown option options\.scope: did you mean scopes\? An Entra ID credential takes resourceEndpoint, /,
        ],
        [
          "a bad tuning option",
          { resourceEndpoint: "https://x", tokenCredential: entraCredential(), refreshTimeoutMs: -1 },
          TypeError,
          /options\.refreshTimeoutMs/,
        ],
      ],
    )("%s throws at construction", (_, options, ErrorClass, message) => {
      const construct = () => new CommunicationTokenCredential(options as never);
      expect(construct).toThrow(ErrorClass);
      expect(construct).toThrow(message);
    });

    // .NET and JS pre-warm the token in the constructor. Nothing is fetched synchronously here (C2);
    // with refreshProactively the exchange starts on the next tick.
    it(".NET Init_FetchesTokenImmediately — differs: nothing synchronous; with refreshProactively, on the next tick", async () => {
      server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
      const tokenCredential = entraCredential();
      const scheduler = new VirtualTimeScheduler();
      create({ resourceEndpoint: server.origin, tokenCredential, refreshProactively: true, scheduler });
      expect(tokenCredential.getToken).not.toHaveBeenCalled();
      scheduler.maxFrames = 0;
      scheduler.flush();
      await new Promise((resolve) => setImmediate(resolve)); // the exchange is loaded on first use
      expect(tokenCredential.getToken).toHaveBeenCalledTimes(1);
    });
  });

  describe("the contract holds for the Entra shape (C5, C8, C13, C19)", () => {
    it("C5: 100 concurrent getToken calls make one exchange", async () => {
      server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
      const credential = create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() });
      const tokens = await Promise.all(Array.from({ length: 100 }, () => credential.getToken()));
      expect(new Set(tokens.map((token) => token.token))).toEqual(new Set(["acsToken"]));
      expect(server.received).toHaveLength(1);
    });

    it("C8: one caller's abort leaves the others waiting for the same exchange", async () => {
      server = await startExchangeServer(exchanged("acsToken", Date.now() + HOUR));
      const credential = create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() });
      const controller = new AbortController();
      const leaving = credential.getToken({ abortSignal: controller.signal });
      const staying = credential.getToken();
      controller.abort();
      await expect(leaving).rejects.toMatchObject({ name: "AbortError" });
      expect((await staying).token).toBe("acsToken");
    });

    it("C19: dispose rejects a pending exchange with CredentialDisposedError and aborts its request", async () => {
      server = await startExchangeServer("hang");
      const credential = create({ resourceEndpoint: server.origin, tokenCredential: entraCredential() });
      const pending = credential.getToken();
      while (server.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
      credential.dispose();
      await expect(pending).rejects.toBeInstanceOf(CredentialDisposedError);
      for (let turn = 0; turn < 1_000 && server.abandoned === 0; turn++)
        await new Promise((resolve) => setImmediate(resolve));
      expect(server.abandoned).toBe(1);
    });

    it("C11/C13: with refreshProactively, re-exchanges 10 minutes before expiry, retrying a failure in the background", async () => {
      const scheduler = new VirtualTimeScheduler();
      server = await startExchangeServer(
        exchanged("first", 20 * 60_000),
        { status: 400 },
        exchanged("second", 3 * HOUR),
      );
      server.now = () => scheduler.now(); // the service's clock agrees with the credential's
      const credential = create({
        resourceEndpoint: server.origin,
        tokenCredential: entraCredential(),
        refreshProactively: true,
        scheduler,
        retry: { jitter: false },
      });
      const tokens: string[] = [];
      let status = "";
      credential.token$.subscribe(({ token }) => tokens.push(token));
      credential.state$.subscribe((state) => (status = state.status));
      // Time moves only while no exchange is in flight, so the refresh timeout never fires early.
      for (let turn = 0; turn < 2_000 && tokens.length < 2; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        const next = scheduler.actions[0];
        if (status === "refreshing" || next === undefined) continue;
        scheduler.maxFrames = next.delay;
        scheduler.flush();
      }
      expect(tokens).toEqual(["first", "second"]);
      expect(server.received).toHaveLength(3);
    });
  });
});
