import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One request for a token, as the token server saw it. */
export interface TokenRequest {
  /** The asking tab's name (the `tab` query parameter). */
  readonly tab: string;
  /** When it arrived, on this machine's clock. */
  readonly at: number;
  /** The serial number of the token it was given: 1 for the first token minted, and so on. */
  readonly serial: number;
}

/**
 * The server of the C26 browser test, on 127.0.0.1: the tab page, its bundle and `/token`, all from
 * one origin, as tabs of one app share locks and broadcast channels only within their origin.
 *
 * @example
 * ```ts
 * const server = await startTabsTokenServer({ tokenLifetimeMs: 20_000, bundlePath: "spec/browser/tabs/dist/page.js" });
 * await page.goto(`${server.origin}/?tab=1`);
 * assert.equal(server.requests.length, 1);
 * ```
 */
export interface TabsTokenServer {
  readonly origin: string;
  /** Every request for a token, in order of arrival. */
  readonly requests: readonly TokenRequest[];
  /** The serial of a token this server minted; undefined for any other string. */
  serialOf(token: string | undefined): number | undefined;
  close(): Promise<void>;
}

export interface TabsTokenServerOptions {
  /** How long each minted token lives, from the moment it is minted (real time). */
  readonly tokenLifetimeMs: number;
  /** The esbuild bundle of `page.ts`. */
  readonly bundlePath: string;
}

// The icon link keeps Chromium from asking for /favicon.ico, whose 404 would show as a console error.
const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>tab</title><link rel="icon" href="data:," /></head>
  <body><script type="module" src="/page.js"></script></body>
</html>`;

// An unsigned test JWT shaped as an ACS token: whose it is (`skypeid`, `resourceId`), when it was issued
// and expires, and the serial that tells one token from another.
function mintToken(serial: number, user: string, issuedAtMs: number, expiresAtMs: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { skypeid: user, resourceId: "resource-1", iat: issuedAtMs / 1000, exp: expiresAtMs / 1000, serial };
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.${part({ test: true })}`;
}

const BLANK_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>blank</title><link rel="icon" href="data:," /></head>
  <body></body>
</html>`;

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startTabsTokenServer(options: TabsTokenServerOptions): Promise<TabsTokenServer> {
  const requests: TokenRequest[] = [];
  const serials = new Map<string, number>();
  const bundle = readFileSync(options.bundlePath);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/token") {
      const at = Date.now();
      const serial = requests.length + 1;
      const expiresAt = at + options.tokenLifetimeMs;
      // The user is `acs:alice` unless the `user` query names another (a second account, say).
      const token = mintToken(serial, url.searchParams.get("user") ?? "acs:alice", at, expiresAt);
      serials.set(token, serial);
      requests.push({ tab: url.searchParams.get("tab") ?? "", at, serial });
      // The answer's shape is what @azure/communication-identity gives an app's backend.
      const answer = { token, expiresOn: new Date(expiresAt).toISOString() };
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    } else if (url.pathname === "/") {
      response.writeHead(200, { "content-type": "text/html" }).end(PAGE_HTML);
    } else if (url.pathname === "/blank") {
      // A page of the same origin without the library: what any other script of the app can do.
      response.writeHead(200, { "content-type": "text/html" }).end(BLANK_HTML);
    } else if (url.pathname === "/page.js") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    serialOf: (token) => (token === undefined ? undefined : serials.get(token)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
