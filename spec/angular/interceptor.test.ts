/**
 * `npm run test:angular` (C28, A2, A3): communicationCredentialInterceptor in TestBed (see testBed.ts).
 */
import type { HttpInterceptorFn } from "@angular/common/http";
import { TestBed } from "@angular/core/testing";
import assert from "node:assert/strict";
import { afterEach, mock, test } from "node:test";
import { firstValueFrom } from "rxjs";
import { communicationCredentialInterceptor } from "../../lib/angular/index.js";
import {
  backend,
  configure,
  credential,
  ENDPOINT,
  http,
  serveToken,
  TOKEN_URL,
  tokenRequest,
  turn,
  UNAUTHORIZED,
} from "./testBed.js";

afterEach(() => {
  TestBed.resetTestingModule();
  mock.restoreAll();
});

/** Sends GET `url`, answers it with `body`, and returns the Authorization header it carried. */
async function authorizationOf(url: string, body: object = {}): Promise<string | null> {
  const response = firstValueFrom(http.get(url));
  await turn();
  const sent = backend.expectOne(url);
  sent.flush(body);
  await response;
  return sent.request.headers.get("Authorization");
}

test("C28: the interceptor adds the bearer token to requests for a protected resource only", async () => {
  configure();
  credential();
  await serveToken("token-1");
  assert.equal(await authorizationOf(`${ENDPOINT}/chat/threads`), "Bearer token-1");
  assert.equal(await authorizationOf("https://example.com/data"), null);
});

/** URLs a string prefix or substring test would take for ENDPOINT; none of them is. */
const LOOK_ALIKES = [
  `${ENDPOINT}.evil.example/x`,
  "https://contoso.communication.azure.com@evil.example/x",
  "https://user@contoso.communication.azure.com.evil.example/x",
  `https://evil.example/?u=${ENDPOINT}/`,
  `https://evil.example/${ENDPOINT}/chat`,
  "http://contoso.communication.azure.com/chat/threads",
  "https://contoso.communication.azure.com:8443/chat/threads",
  "/chat/threads", // relative, and no document to resolve it against
];

test("A2, C28: look-alikes of a protected resource get no token, and no token is asked for them", async () => {
  configure();
  const getToken = mock.method(credential(), "getToken");
  await serveToken("token-1");
  for (const url of LOOK_ALIKES) assert.equal(await authorizationOf(url), null, url);
  assert.equal(getToken.mock.callCount(), 0);
});

test("A2, C28: a resource is matched parsed: host in any case, default port written out, path at a / boundary", async () => {
  configure({ protectedResources: [`${ENDPOINT}/chat`] });
  credential();
  await serveToken("token-1");
  const expected = new Map([
    ["https://CONTOSO.Communication.Azure.com/chat/threads", "Bearer token-1"],
    ["https://contoso.communication.azure.com:443/chat/threads", "Bearer token-1"],
    [`${ENDPOINT}/chat`, "Bearer token-1"],
    [`${ENDPOINT}/chat?api-version=2024-03-07`, "Bearer token-1"],
    [`${ENDPOINT}/chatty`, null],
    [`${ENDPOINT}/calling`, null],
  ]);
  for (const [url, authorization] of expected) assert.equal(await authorizationOf(url), authorization, url);
});

test("C28: a relative URL is resolved against document.baseURI", async (t) => {
  const global = globalThis as { document?: { baseURI: string } };
  global.document = { baseURI: `${ENDPOINT}/app/` };
  t.after(() => delete global.document);
  configure({ protectedResources: [`${ENDPOINT}/chat`] });
  credential();
  await serveToken("token-1");
  assert.equal(await authorizationOf("/chat/threads"), "Bearer token-1");
  assert.equal(await authorizationOf("../chat/threads"), "Bearer token-1");
  assert.equal(await authorizationOf("chat/threads"), null); // that is /app/chat/threads
});

test("A1, C28: plain http to a loopback host (a dev server) gets the token", async () => {
  configure({ protectedResources: ["http://localhost:8080"] });
  credential();
  await serveToken("token-1");
  assert.equal(await authorizationOf("http://localhost:8080/chat/threads"), "Bearer token-1");
});

test("A3, C28: on a 401 the token is renewed and the request retried once, with the new token", async () => {
  configure();
  credential();
  await serveToken("token-1");
  const response = firstValueFrom(http.get<{ value: unknown[] }>(`${ENDPOINT}/chat/threads`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, UNAUTHORIZED);
  await serveToken("token-2");
  const retried = backend.expectOne(`${ENDPOINT}/chat/threads`);
  assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
  retried.flush({ value: [] });
  assert.deepEqual(await response, { value: [] });
});

test("A3, C28: concurrent 401s of one token share one renewal", async () => {
  configure();
  credential();
  await serveToken("token-1");
  const responses = [1, 2, 3].map((n) => firstValueFrom(http.get(`${ENDPOINT}/chat/threads/${n}`)));
  await turn();
  for (const n of [1, 2, 3]) backend.expectOne(`${ENDPOINT}/chat/threads/${n}`).flush({}, UNAUTHORIZED);
  await serveToken("token-2"); // asserts a single token request for the three 401s
  for (let i = 0; i < 5; i++) await turn();
  backend.expectNone(TOKEN_URL);
  for (const n of [1, 2, 3]) {
    const retried = backend.expectOne(`${ENDPOINT}/chat/threads/${n}`);
    assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
    retried.flush({ n });
  }
  assert.deepEqual(await Promise.all(responses), [{ n: 1 }, { n: 2 }, { n: 3 }]);
});

test("A3, C28: a second 401 reaches the caller: no loop", async () => {
  configure();
  credential();
  await serveToken("token-1");
  const response = firstValueFrom(http.get(`${ENDPOINT}/chat/threads`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, UNAUTHORIZED);
  await serveToken("token-2");
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, UNAUTHORIZED);
  await assert.rejects(response, { status: 401 });
  for (let i = 0; i < 5; i++) await turn();
  backend.verify();
});

test("A3, C28: a renewal that failed reaches the caller, and the next 401 of the same token tries again", async () => {
  configure();
  credential();
  await serveToken("token-1");
  const first = firstValueFrom(http.get(`${ENDPOINT}/chat/threads/1`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads/1`).flush({}, UNAUTHORIZED);
  (await tokenRequest()).flush("unavailable", { status: 503, statusText: "Service Unavailable" });
  await assert.rejects(first, { status: 503 });

  const second = firstValueFrom(http.get(`${ENDPOINT}/chat/threads/2`));
  await turn();
  const rejected = backend.expectOne(`${ENDPOINT}/chat/threads/2`);
  assert.equal(rejected.request.headers.get("Authorization"), "Bearer token-1");
  rejected.flush({}, UNAUTHORIZED);
  await serveToken("token-2");
  const retried = backend.expectOne(`${ENDPOINT}/chat/threads/2`);
  assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
  retried.flush({ n: 2 });
  assert.deepEqual(await second, { n: 2 });
});

test("C8, C28: a request cancelled while it waits for a token cancels the token request", async () => {
  configure({ refreshProactively: false });
  const subscription = http.get(`${ENDPOINT}/chat/threads`).subscribe();
  const request = await tokenRequest();
  subscription.unsubscribe();
  assert.equal(request.cancelled, true);
  backend.expectNone(`${ENDPOINT}/chat/threads`);
});

test("C28: without provideCommunicationCredential the interceptor fails the request and says what is missing", async () => {
  configure({}, []);
  await assert.rejects(firstValueFrom(http.get(`${ENDPOINT}/chat/threads`)), {
    message: /provideCommunicationCredential/,
  });
  backend.verify();
});

/** An app's interceptor that sends requests for ENDPOINT to another host (a proxy, a mock, an attacker's). */
const toOtherHost: HttpInterceptorFn = (request, next) =>
  next(request.clone({ url: request.url.replace(ENDPOINT, "https://other.example") }));

test("C28: interceptor order: one registered after ours that rewrites the URL carries the token away; registered before, it does not", async () => {
  // Angular runs interceptors in the order given, and ours judges the URL it sees: a later interceptor
  // changes the URL of a request that already carries the token. Hence "register it last".
  for (const [interceptors, expected] of [
    [[communicationCredentialInterceptor, toOtherHost], "Bearer token-1"],
    [[toOtherHost, communicationCredentialInterceptor], null],
  ] as const) {
    configure({}, undefined, [...interceptors]);
    credential();
    await serveToken("token-1");
    const response = firstValueFrom(http.get(`${ENDPOINT}/chat/threads`));
    await turn();
    const sent = backend.expectOne("https://other.example/chat/threads");
    sent.flush({});
    await response;
    assert.equal(sent.request.headers.get("Authorization"), expected, String(expected));
    TestBed.resetTestingModule();
  }
});
