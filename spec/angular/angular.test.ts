/**
 * `npm run test:angular`: the Angular example with real @angular/core and @angular/common, in JIT
 * mode with TestBed, zoneless, against Angular's HTTP testing backend (provideHttpClientTesting,
 * HttpTestingController). Runs on node:test because Angular ships ES modules only, which this
 * project's CommonJS Jest setup does not load.
 */
import "@angular/compiler";
import { HttpClient, provideHttpClient, withInterceptors } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from "@angular/common/http/testing";
import { provideZonelessChangeDetection } from "@angular/core";
import { TestBed, TestComponentRenderer } from "@angular/core/testing";
import { BrowserTestingModule, platformBrowserTesting } from "@angular/platform-browser/testing";
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { firstValueFrom } from "rxjs";
import { acsAuthInterceptor } from "../../examples/angular/acsAuth.interceptor.js";
import { ACS_ENDPOINT, ACS_TOKEN_URL, AcsCredentialService } from "../../examples/angular/acsCredential.service.js";

const ENDPOINT = "https://contoso.communication.azure.com";
const TOKEN_URL = "/api/acs-token";
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

let http: HttpClient;
let backend: HttpTestingController;

/** Lets timers due now (the credential's next-tick refresh) and promise callbacks run: one event-loop turn. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The token request the credential makes within a few turns. */
async function tokenRequest(): Promise<TestRequest> {
  for (let i = 0; i < 20; i++) {
    const [request, ...more] = backend.match(TOKEN_URL); // match() takes the requests it returns
    assert.equal(more.length, 0, "one token request at a time");
    if (request !== undefined) return request;
    await turn();
  }
  assert.fail("the credential made no token request");
}

/** Answers the token request the credential makes (within a few turns) with `token`. */
async function serveToken(token: string): Promise<void> {
  (await tokenRequest()).flush({ token, expiresOn: inAnHour() });
  await turn();
}

TestBed.initTestEnvironment(BrowserTestingModule, platformBrowserTesting());

/** A testing module with the example's providers, protecting `endpoint`. */
function configure(endpoint: string): void {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideHttpClient(withInterceptors([acsAuthInterceptor])),
      provideHttpClientTesting(),
      { provide: ACS_TOKEN_URL, useValue: TOKEN_URL },
      { provide: ACS_ENDPOINT, useValue: endpoint },
      // No components are rendered and Node has no DOM: TestBed's teardown has no root elements to remove.
      { provide: TestComponentRenderer, useValue: { insertRootElement: () => {}, removeAllRootElements: () => {} } },
    ],
  });
  http = TestBed.inject(HttpClient);
  backend = TestBed.inject(HttpTestingController);
}

beforeEach(() => configure(ENDPOINT));

afterEach(() => TestBed.resetTestingModule());

test("the service's state signal has a value at once (toSignal requireSync) and follows the credential", async () => {
  const service = TestBed.inject(AcsCredentialService);
  assert.equal(service.state().status, "idle");
  await serveToken("token-1");
  assert.equal(service.state().status, "ready");
});

test("the credential is disposed with the injector (DestroyRef)", async () => {
  const service = TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  TestBed.resetTestingModule();
  assert.equal(service.state().status, "disposed");
  await assert.rejects(service.credential.getToken(), { name: "CredentialDisposedError" });
});

test("the interceptor adds the bearer token to ACS requests only", async () => {
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const chat = firstValueFrom(http.get(`${ENDPOINT}/chat/threads`));
  const other = firstValueFrom(http.get("https://example.com/data"));
  await turn();
  const acsRequest = backend.expectOne(`${ENDPOINT}/chat/threads`);
  assert.equal(acsRequest.request.headers.get("Authorization"), "Bearer token-1");
  acsRequest.flush({ value: [] });
  const otherRequest = backend.expectOne("https://example.com/data");
  assert.equal(otherRequest.request.headers.has("Authorization"), false);
  otherRequest.flush({});
  await Promise.all([chat, other]);
});

test("on a 401 the interceptor renews the token and retries once", async () => {
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const response = firstValueFrom(http.get<{ value: unknown[] }>(`${ENDPOINT}/chat/threads`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, { status: 401, statusText: "Unauthorized" });
  await serveToken("token-2");
  const retried = backend.expectOne(`${ENDPOINT}/chat/threads`);
  assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
  retried.flush({ value: [] });
  assert.deepEqual(await response, { value: [] });
});

test("concurrent 401s share one renewal", async () => {
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const responses = [1, 2, 3].map((n) => firstValueFrom(http.get(`${ENDPOINT}/chat/threads/${n}`)));
  await turn();
  for (const n of [1, 2, 3])
    backend.expectOne(`${ENDPOINT}/chat/threads/${n}`).flush({}, { status: 401, statusText: "Unauthorized" });
  await serveToken("token-2"); // asserts a single token request for the three 401s
  for (let i = 0; i < 5; i++) await turn();
  assert.equal(backend.match(TOKEN_URL).length, 0);
  for (const n of [1, 2, 3]) {
    const retried = backend.expectOne(`${ENDPOINT}/chat/threads/${n}`);
    assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
    retried.flush({ n });
  }
  assert.deepEqual(await Promise.all(responses), [{ n: 1 }, { n: 2 }, { n: 3 }]);
});

test("a second 401 reaches the caller: no loop", async () => {
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const response = firstValueFrom(http.get(`${ENDPOINT}/chat/threads`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, { status: 401, statusText: "Unauthorized" });
  await serveToken("token-2");
  backend.expectOne(`${ENDPOINT}/chat/threads`).flush({}, { status: 401, statusText: "Unauthorized" });
  await assert.rejects(response, { status: 401 });
  backend.verify();
});

test("a renewal that failed is tried again by the next 401 of the same token", async () => {
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const first = firstValueFrom(http.get(`${ENDPOINT}/chat/threads/1`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads/1`).flush({}, { status: 401, statusText: "Unauthorized" });
  (await tokenRequest()).flush({}, { status: 503, statusText: "Service Unavailable" });
  await assert.rejects(first, { status: 503 });

  const second = firstValueFrom(http.get(`${ENDPOINT}/chat/threads/2`));
  await turn();
  backend.expectOne(`${ENDPOINT}/chat/threads/2`).flush({}, { status: 401, statusText: "Unauthorized" });
  await serveToken("token-2");
  const retried = backend.expectOne(`${ENDPOINT}/chat/threads/2`);
  assert.equal(retried.request.headers.get("Authorization"), "Bearer token-2");
  retried.flush({ n: 2 });
  assert.deepEqual(await second, { n: 2 });
});

/** URLs a string prefix test would take for the ACS endpoint; none of them is. */
const LOOK_ALIKES = [
  `${ENDPOINT}.evil.example/x`,
  "https://contoso.communication.azure.com@evil.example/x",
  `https://evil.example/?u=${ENDPOINT}/`,
  "http://contoso.communication.azure.com/chat/threads",
  "https://contoso.communication.azure.com:8443/chat/threads",
  "/chat/threads",
];

test("look-alikes of the ACS endpoint get no token, and no token is asked for them", async () => {
  const service = TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const getToken = mock.method(service.credential, "getToken");
  for (const url of LOOK_ALIKES) {
    const response = firstValueFrom(http.get(url));
    await turn();
    const sent = backend.expectOne(url);
    assert.equal(sent.request.headers.has("Authorization"), false, url);
    sent.flush({});
    await response;
  }
  assert.equal(getToken.mock.callCount(), 0);
});

test("the ACS endpoint is matched parsed: host in any case, default port written out, path at a / boundary", async () => {
  TestBed.resetTestingModule();
  configure(`${ENDPOINT}/chat`);
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const expected = new Map([
    ["https://CONTOSO.Communication.Azure.com/chat/threads", "Bearer token-1"],
    ["https://contoso.communication.azure.com:443/chat/threads", "Bearer token-1"],
    [`${ENDPOINT}/chat`, "Bearer token-1"],
    [`${ENDPOINT}/chatty`, null],
  ]);
  for (const [url, authorization] of expected) {
    const response = firstValueFrom(http.get(url));
    await turn();
    const sent = backend.expectOne(url);
    assert.equal(sent.request.headers.get("Authorization"), authorization, url);
    sent.flush({});
    await response;
  }
});

test("no token over plain http to another host: the request fails with InsecureConnectionError, unsent", async () => {
  TestBed.resetTestingModule();
  configure("http://acs.example");
  await assert.rejects(firstValueFrom(http.get("http://acs.example/chat/threads")), {
    name: "InsecureConnectionError",
    message: "Refusing to send a bearer token to http://acs.example.",
  });
  backend.verify(); // neither the request nor a token request went out
});

test("plain http to a loopback host (a dev server) gets the token", async () => {
  TestBed.resetTestingModule();
  configure("http://localhost:8080");
  TestBed.inject(AcsCredentialService);
  await serveToken("token-1");
  const response = firstValueFrom(http.get("http://localhost:8080/chat/threads"));
  await turn();
  const sent = backend.expectOne("http://localhost:8080/chat/threads");
  assert.equal(sent.request.headers.get("Authorization"), "Bearer token-1");
  sent.flush({});
  await response;
});
