/**
 * `npm run test:angular` (C28): provideCommunicationCredential, the inject functions and the tokenUrl
 * refresher of `rx-communication-common/angular`, in TestBed (see testBed.ts).
 */
import { EnvironmentInjector, NgZone } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import assert from "node:assert/strict";
import { afterEach, mock, test } from "node:test";
import { CommunicationTokenCredential } from "../../lib/CommunicationTokenCredential.js";
import { TokenEndpointError } from "../../lib/errors.js";
import { injectCommunicationCredential, provideCommunicationCredential } from "../../lib/angular/index.js";
import {
  backend,
  configure,
  credential,
  ENDPOINT,
  inAnHour,
  intercepted,
  serveToken,
  stateSignal,
  TOKEN_URL,
  tokenRequest,
  turn,
} from "./testBed.js";

afterEach(() => {
  TestBed.resetTestingModule();
  mock.restoreAll();
});

test("C28: the provided credential is injected, one per injector, with a state signal that has a value at once", async () => {
  configure();
  const injected = credential();
  assert.ok(injected instanceof CommunicationTokenCredential);
  assert.equal(injectCommunicationCredential({ injector: TestBed.inject(EnvironmentInjector) }), injected);
  const state = stateSignal(); // toSignal with requireSync: it would throw without a synchronous first state
  assert.equal(state().status, "idle");
  await serveToken("token-1"); // proactive by default: the token is fetched without anybody asking
  assert.equal(state().status, "ready");
  assert.deepEqual(await injected.getToken().then(({ token }) => token), "token-1");
});

test("C28: the credential is disposed when its injector is destroyed (DestroyRef)", async () => {
  configure();
  const injected = credential();
  const state = stateSignal();
  await serveToken("token-1");
  TestBed.resetTestingModule();
  assert.equal(state().status, "disposed");
  await assert.rejects(injected.getToken(), { name: "CredentialDisposedError" });
});

/** Spies on the testing module's NgZone: what ran inside runOutsideAngular, and whether code runs there now. */
function watchZone(): { readonly ranOutside: unknown[]; isOutside(): boolean } {
  let depth = 0;
  const ranOutside: unknown[] = [];
  mock.method(TestBed.inject(NgZone), "runOutsideAngular", <T>(work: () => T): T => {
    depth++;
    try {
      const result = work();
      ranOutside.push(result);
      return result;
    } finally {
      depth--;
    }
  });
  return { ranOutside, isOutside: () => depth > 0 };
}

test("C28: the credential is created, and its refresher called and heard, outside the Angular zone", async () => {
  const calledOutside: boolean[] = [];
  configure({
    tokenUrl: undefined,
    refreshProactively: false,
    tokenRefresher: async () => {
      calledOutside.push(zone.isOutside());
      return "token-1";
    },
  });
  const zone = watchZone();
  const injected = credential();
  assert.ok(zone.ranOutside.includes(injected), "built inside runOutsideAngular");
  assert.equal((await injected.getToken()).token, "token-1");
  assert.deepEqual(calledOutside, [true]);
});

test("C28: tokenUrl is fetched with a GET through HttpBackend: HttpTestingController sees it, no interceptor does", async () => {
  configure();
  credential();
  const request = await tokenRequest();
  assert.equal(request.request.method, "GET");
  assert.equal(request.request.headers.has("Authorization"), false);
  request.flush(JSON.stringify({ token: "token-1", expiresOn: inAnHour() }));
  await turn();
  assert.deepEqual(intercepted, []);
  assert.equal(stateSignal()().status, "ready");
});

test("C28: tokenUrl's answer may be { token, expiresOn }, { token, expiresOnTimestamp } or the bare token", async () => {
  const expiresOnTimestamp = Date.now() + 3_600_000;
  const answers: [answer: string, token: string][] = [
    [JSON.stringify({ token: "token-1", expiresOn: new Date(expiresOnTimestamp).toISOString() }), "token-1"],
    [JSON.stringify({ token: "token-2", expiresOnTimestamp, user: { id: "8:acs:1" } }), "token-2"],
    ["token-3\n", "token-3"],
    [JSON.stringify("token-4"), "token-4"],
  ];
  for (const [answer, expected] of answers) {
    configure({ refreshProactively: false });
    const pending = credential().getToken();
    (await tokenRequest()).flush(answer);
    assert.equal((await pending).token, expected, answer);
    TestBed.resetTestingModule();
  }
});

test("C28: an answer of tokenUrl that is no token fails with InvalidTokenError, without the answer in the message", async () => {
  configure({ refreshProactively: false });
  const pending = credential().getToken();
  (await tokenRequest()).flush('{"access_token":"secret-value"}');
  await assert.rejects(
    pending,
    (error: Error) => error.name === "InvalidTokenError" && !error.message.includes("secret"),
  );
});

test("C13, C28: a non-2xx answer of tokenUrl is a TokenEndpointError with its status and the wait Retry-After asks for", async () => {
  configure({ refreshProactively: false });
  const throttled = credential().getToken();
  (await tokenRequest()).flush("slow down", {
    status: 429,
    statusText: "Too Many Requests",
    headers: { "Retry-After": "30" },
  });
  await assert.rejects(throttled, (error: Error & { status?: number; retryAfterMs?: number }) => {
    assert.equal(error.name, "TokenEndpointError");
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 30_000);
    assert.ok(!error.message.includes("slow down"));
    return true;
  });
  const failing = credential().getToken();
  (await tokenRequest()).flush("oops", { status: 500, statusText: "Server Error" });
  await assert.rejects(failing, (error: Error & { status?: number; retryAfterMs?: number }) => {
    return error.name === "TokenEndpointError" && error.status === 500 && error.retryAfterMs === undefined;
  });
});

test("C27, C28: messages name tokenUrl by its origin: its path, which may hold the user's id, never appears", async () => {
  const tokenUrl = "https://app.example/api/users/user-998/acs-token";
  configure({ tokenUrl, refreshProactively: false });
  for (const [answer, options] of [
    ["oops", { status: 500, statusText: "Server Error" }],
    ["<html></html>", { status: 200, statusText: "OK", headers: { "Content-Type": "text/html" } }],
  ] as const) {
    const pending = credential().getToken();
    await turn();
    backend.expectOne(tokenUrl).flush(answer, options);
    await assert.rejects(pending, (error: Error) => {
      assert.match(error.message, /The token endpoint https:\/\/app\.example answered/);
      assert.ok(!error.message.includes("user-998"), error.message);
      return true;
    });
  }
});

test("C20, C28: a tokenUrl request that got no answer at all is a TokenEndpointError with status 0, named by its origin", async () => {
  // Angular's own HttpErrorResponse is no Error (the failed state said "non-Error value") and its
  // message holds the whole URL, query included.
  const tokenUrl = "https://app.example/api/users/user-998/acs-token?code=ONE-TIME-SECRET-123";
  configure({ tokenUrl, refreshProactively: false });
  const pending = credential().getToken();
  await turn();
  // Node has no ProgressEvent; Angular only passes the event on as the error's `error`.
  backend.expectOne(tokenUrl).error(new Event("error") as ProgressEvent);
  const failure = await pending.then(
    () => assert.fail("resolved"),
    (error: unknown) => error,
  );
  assert.ok(failure instanceof TokenEndpointError, String(failure));
  assert.equal(failure.status, 0);
  assert.match(failure.message, /^The token endpoint https:\/\/app\.example could not be reached \(status 0\)/);
  for (const secret of ["ONE-TIME-SECRET-123", "code=", "user-998", "acs-token"]) {
    assert.ok(!failure.message.includes(secret), failure.message);
  }
  assert.equal("cause" in failure, false, "Angular's error, URL and all, is not kept as a cause");
  const state = stateSignal()();
  assert.equal(state.status, "failed");
  assert.equal(state.status === "failed" && state.error, failure);
});

test("C8, C28: aborting the only caller cancels the token request", async () => {
  configure({ refreshProactively: false });
  const controller = new AbortController();
  const pending = credential().getToken({ abortSignal: controller.signal });
  const request = await tokenRequest();
  controller.abort();
  await assert.rejects(pending, { name: "AbortError" });
  assert.equal(request.cancelled, true);
});

test("C28: with refreshProactively: false nothing is fetched until a token is asked for", async () => {
  configure({ refreshProactively: false });
  credential();
  for (let i = 0; i < 5; i++) await turn();
  backend.expectNone(TOKEN_URL);
  const pending = credential().getToken();
  (await tokenRequest()).flush(JSON.stringify({ token: "token-1", expiresOn: inAnHour() }));
  assert.equal((await pending).token, "token-1");
});

const tokenRefresher = () => "token-1";
const protectedResources = [ENDPOINT];

test("C2, C28: options are checked where provideCommunicationCredential is called: a TypeError names the option", () => {
  const mistakes: [unknown, RegExp][] = [
    [undefined, /^provideCommunicationCredential needs options/],
    [
      { tokenUrl: TOKEN_URL, protectedResource: protectedResources },
      /options\.protectedResource: did you mean protectedResources\?/,
    ],
    [{ tokenUrl: TOKEN_URL, protectedResources, tokenUri: "/x" }, /options\.tokenUri: did you mean tokenUrl\?/],
    [{ protectedResources }, /exactly one of options\.tokenUrl .* and options\.tokenRefresher/],
    [{ tokenUrl: TOKEN_URL, tokenRefresher, protectedResources }, /exactly one of options\.tokenUrl/],
    [{ tokenUrl: " ", protectedResources }, /^options\.tokenUrl must be a non-empty URL/],
    [{ tokenRefresher: "token-1", protectedResources }, /^options\.tokenRefresher must be a function/],
    [{ tokenRefresher }, /^options\.protectedResources must be an array/],
    [{ tokenRefresher, protectedResources: [] }, /^options\.protectedResources is empty/],
    [
      { tokenRefresher, protectedResources: ["contoso.communication.azure.com"] },
      /^options\.protectedResources\[0\] must be an absolute URL/,
    ],
    [
      { tokenRefresher, protectedResources: [`${ENDPOINT}/?api-version=1`] },
      /^options\.protectedResources\[0\] must have no query/,
    ],
    [
      { tokenRefresher, protectedResources: ["http://acs.example"] },
      /^options\.protectedResources\[0\] is http:\/\/acs\.example: a bearer token travels only over https/,
    ],
    [
      { tokenRefresher, protectedResources, refreshProactively: "yes" },
      /^options\.refreshProactively must be a boolean/,
    ],
    [
      { tokenRefresher, protectedResources, allowInsecureConnection: 1 },
      /^options\.allowInsecureConnection must be a boolean/,
    ],
    [
      { tokenRefresher, protectedResources, refreshTimeoutMs: -1 },
      /^options\.refreshTimeoutMs must be a positive finite number/,
    ],
    [{ tokenRefresher, protectedResources, retry: { initialDelayMs: "1000" } }, /^options\.retry\.initialDelayMs/],
    [
      { tokenRefresher, protectedResources, shareAcrossTabs: " " },
      /^options\.shareAcrossTabs must be a non-empty string/,
    ],
    [{ tokenRefresher, protectedResources, hedgeAfterMs: 0 }, /^options\.hedgeAfterMs/],
    [
      { tokenRefresher, protectedResources, refreshTimout: 5_000 },
      /^Unknown option options\.refreshTimout: did you mean refreshTimeoutMs\?/,
    ],
  ];
  for (const [options, message] of mistakes) {
    assert.throws(
      () => provideCommunicationCredential(options as never),
      { name: "TypeError", message },
      String(message),
    );
  }
  assert.throws(() => provideCommunicationCredential({ tokenRefresher, protectedResources, token: "Bearer x" }), {
    name: "InvalidTokenError",
  });
});

test("C2, C28: checking the options asks for no token", () => {
  const refresher = mock.fn(tokenRefresher);
  provideCommunicationCredential({ tokenRefresher: refresher, protectedResources, refreshProactively: true });
  provideCommunicationCredential({ tokenRefresher: refresher, protectedResources, token: "token-0" });
  assert.equal(refresher.mock.callCount(), 0);
});

test("A1, C28: plain http is accepted for a loopback host, and for any host with allowInsecureConnection", () => {
  for (const resource of ["http://localhost:8080", "http://127.0.0.1", "http://[::1]:3000"]) {
    provideCommunicationCredential({ tokenRefresher, protectedResources: [resource] });
  }
  provideCommunicationCredential({
    tokenRefresher,
    protectedResources: ["http://acs.test"],
    allowInsecureConnection: true,
  });
});
