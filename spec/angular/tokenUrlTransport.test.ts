/**
 * `npm run test:angular` (A1, C28): the token that `tokenUrl` answers travels only over https, or over
 * http to a loopback host: the URL is judged where provideCommunicationCredential is called, and the
 * URL the answer finally came from, after the redirects HttpBackend follows itself, when it lands.
 */
// First: the TestBed loads @angular/compiler, which @angular/common/http's partially compiled classes need.
import { configure, credential, ENDPOINT, inAnHour } from "./testBed.js";
import { HttpBackend, HttpResponse } from "@angular/common/http";
import { makeEnvironmentProviders } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { of } from "rxjs";
import { provideCommunicationCredential, type CommunicationCredentialOptions } from "../../lib/angular/index.js";

afterEach(() => TestBed.resetTestingModule());

const protectedResources = [ENDPOINT];
const insecure = { name: "InsecureConnectionError", message: /^Refusing to fetch a token \(options\.tokenUrl\) from / };

test("A1, C28: a plain-http tokenUrl to a host that is not loopback is an InsecureConnectionError where the options are checked", () => {
  const tokenUrl = "http://tokens.example.com/api/users/user-998/acs-token?code=SECRET";
  assert.throws(
    () => provideCommunicationCredential({ tokenUrl, protectedResources }),
    (error: Error) => {
      assert.equal(error.name, "InsecureConnectionError");
      assert.match(
        error.message,
        /^Refusing to fetch a token \(options\.tokenUrl\) from http:\/\/tokens\.example\.com: /,
      );
      assert.ok(!/user-998|SECRET/.test(error.message), error.message);
      return true;
    },
  );
  for (const other of ["HTTP://TOKENS.example.com/acs-token", "ftp://tokens.example.com/acs-token"]) {
    assert.throws(() => provideCommunicationCredential({ tokenUrl: other, protectedResources }), insecure, other);
  }
});

test("A1, C28: tokenUrl may be https, plain http to a loopback host, or any http with allowInsecureConnection", () => {
  for (const tokenUrl of [
    "https://tokens.example.com/acs-token",
    "http://localhost:7071/api/acs-token",
    "http://127.0.0.1/acs-token",
    "http://[::1]:3000/acs-token",
    "/api/acs-token", // relative with no page to resolve it against: judged by its answer's URL instead
  ]) {
    provideCommunicationCredential({ tokenUrl, protectedResources });
  }
  provideCommunicationCredential({
    tokenUrl: "http://token-stub.test/acs-token",
    protectedResources,
    allowInsecureConnection: true,
  });
});

test("A1, C28: a relative tokenUrl is judged resolved against document.baseURI", (t) => {
  const global = globalThis as { document?: { baseURI: string } };
  t.after(() => delete global.document);
  global.document = { baseURI: "http://app.example/shell/" };
  assert.throws(() => provideCommunicationCredential({ tokenUrl: "/api/acs-token", protectedResources }), {
    name: "InsecureConnectionError",
    message: /from http:\/\/app\.example: /,
  });
  global.document = { baseURI: "https://app.example/shell/" };
  provideCommunicationCredential({ tokenUrl: "/api/acs-token", protectedResources });
  global.document = { baseURI: "http://localhost:4200/" };
  provideCommunicationCredential({ tokenUrl: "api/acs-token", protectedResources });
});

/**
 * A testing module whose HttpBackend answers every request with a token, as a browser's XHR or fetch
 * does after following the redirects to `finalUrl`: HttpResponse.url is where the answer came from.
 */
function answeredFrom(finalUrl: string, options: Partial<CommunicationCredentialOptions> = {}): void {
  const answer = new HttpResponse({
    body: JSON.stringify({ token: "token-1", expiresOn: inAnHour() }),
    status: 200,
    statusText: "OK",
    url: finalUrl,
  });
  const tokenUrl = "https://tokens.example.com/api/acs-token";
  configure({}, [
    provideCommunicationCredential({ tokenUrl, protectedResources, refreshProactively: false, ...options }),
    makeEnvironmentProviders([{ provide: HttpBackend, useValue: { handle: () => of(answer) } }]),
  ]);
}

test("A1, C28: an answer redirected to plain http on a host that is not loopback is refused: InsecureConnectionError", async () => {
  answeredFrom("http://evil.example/steal?code=SECRET");
  await assert.rejects(credential().getToken(), (error: Error) => {
    assert.equal(error.name, "InsecureConnectionError");
    assert.match(
      error.message,
      /^Refusing to accept a token \(options\.tokenUrl\) redirected to http:\/\/evil\.example: /,
    );
    assert.ok(!error.message.includes("SECRET") && !error.message.includes("token-1"), error.message);
    return true;
  });
});

test("A1, C28: an answer redirected to https, to a loopback host, or anywhere with allowInsecureConnection is taken", async () => {
  for (const [finalUrl, options] of [
    ["https://tokens.example.com/api/acs-token", {}],
    ["https://other.example/acs-token", {}],
    ["http://localhost:7071/acs-token", {}],
    ["http://evil.example/acs-token", { allowInsecureConnection: true }],
  ] as const) {
    answeredFrom(finalUrl, options);
    assert.equal((await credential().getToken()).token, "token-1", finalUrl);
    TestBed.resetTestingModule();
  }
});
