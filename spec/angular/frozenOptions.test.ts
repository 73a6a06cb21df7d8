/**
 * `npm run test:angular` (C2, A1; issue 22, item 2): provideCommunicationCredential checks its options
 * where it is called, and the credential made at the first inject is built from what was checked.
 * Changing the options object, its protectedResources array, its retry or its token object in between
 * changes nothing.
 */
import { TestBed } from "@angular/core/testing";
import assert from "node:assert/strict";
import { firstValueFrom } from "rxjs";
import { afterEach, test } from "node:test";
import { provideCommunicationCredential, type CommunicationCredentialOptions } from "../../lib/angular/index.js";
import { backend, configure, credential, ENDPOINT, http, serveToken, TOKEN_URL, turn } from "./testBed.js";

afterEach(() => TestBed.resetTestingModule());

/** Sends GET `url`, answers it, and returns the Authorization header it carried. */
async function authorizationOf(url: string): Promise<string | null> {
  const response = firstValueFrom(http.get(url));
  await turn();
  const sent = backend.expectOne(url);
  sent.flush({});
  await response;
  return sent.request.headers.get("Authorization");
}

test("A1, C2: tokenUrl, protectedResources, allowInsecureConnection and retry changed after provide… change nothing", async () => {
  const protectedResources = [ENDPOINT];
  const retry = { initialDelayMs: 500 };
  const options: CommunicationCredentialOptions = { tokenUrl: TOKEN_URL, protectedResources, retry };
  const provided = provideCommunicationCredential(options);

  options.tokenUrl = "http://evil.example/steal";
  options.allowInsecureConnection = true;
  protectedResources.push("https://evil.example");
  options.protectedResources = ["https://evil.example"];
  retry.initialDelayMs = -1; // never checked: the first inject must not read it

  configure({}, [provided]);
  credential(); // the first inject: the credential is made now
  await serveToken("token-1"); // from TOKEN_URL (tokenRequest matches it, and nothing else was asked)
  backend.expectNone("http://evil.example/steal");
  assert.equal(await authorizationOf(`${ENDPOINT}/chat/threads`), "Bearer token-1");
  assert.equal(await authorizationOf("https://evil.example/collect"), null);
});

test("C2: the initial token object is read where provide… is called: changing it later changes nothing", async () => {
  const initial = { token: "checked-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  const provided = provideCommunicationCredential({
    tokenUrl: TOKEN_URL,
    protectedResources: [ENDPOINT],
    refreshProactively: false,
    token: initial,
  });
  initial.token = "swapped-token";
  initial.expiresOnTimestamp = Date.now() + 7_200_000;
  configure({}, [provided]);
  const { token, expiresOnTimestamp } = await credential().getToken();
  assert.equal(token, "checked-token");
  assert.ok(expiresOnTimestamp <= Date.now() + 3_600_000);
});

test("A1, C2: a protectedResources entry is read once: the entry checked for https is the one the interceptor uses", () => {
  const protectedResources: string[] = [];
  let reads = 0;
  Object.defineProperty(protectedResources, 0, {
    enumerable: true,
    get: () => (++reads === 1 ? "http://evil.example" : ENDPOINT),
  });
  assert.throws(() => provideCommunicationCredential({ tokenUrl: TOKEN_URL, protectedResources }), {
    name: "TypeError",
    message: /options\.protectedResources\[0\] is http:\/\/evil\.example/,
  });
});

test("C2: each option, and each retry option, is read once", () => {
  const reads = new Map<string, number>();
  const counted = <T extends object>(target: T, prefix: string): T =>
    new Proxy(target, {
      get(object, name, receiver) {
        if (typeof name === "string") reads.set(prefix + name, (reads.get(prefix + name) ?? 0) + 1);
        return Reflect.get(object, name, receiver) as unknown;
      },
    });
  const provided = provideCommunicationCredential(
    counted<CommunicationCredentialOptions>(
      {
        tokenUrl: TOKEN_URL,
        protectedResources: [ENDPOINT],
        refreshProactively: false,
        retry: counted({ initialDelayMs: 500, maxDelayMs: 5_000 }, "retry."),
      },
      "",
    ),
  );
  configure({}, [provided]);
  credential();
  assert.deepEqual(
    [...reads].filter(([, count]) => count > 1).map(([name]) => name),
    [],
  );
});
