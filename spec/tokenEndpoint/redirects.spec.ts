import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InsecureConnectionError, TokenEndpointError, tokenEndpoint } from "../../lib/index.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";
import { startLoopbackServer, type LoopbackServer } from "../support/loopbackServer.js";

// A1, C27 (issue 22, item 3): tokenEndpoint does not follow redirects unless init.redirect says so,
// and a token that came over plain http from a host that is not a loopback one is refused even then.

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** A plain http server on `host` answering `answer(path)`; records what it received. */
async function serve(
  host: string,
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ origin: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    received.push({ path: request.url ?? "", headers: request.headers });
    request.resume();
    const { status, headers, body } = answer(request.url ?? "");
    response.writeHead(status, { "content-type": "text/plain", ...headers }).end(body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://${host}:${port}`, received, server };
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

// No traffic leaves loopback: the host a redirect points at is one that no request may reach, and
// the fetch given to tokenEndpoint refuses any URL that is not on 127.0.0.1 rather than send it.
const OFF_LOOPBACK = "http://tokens.evil.example";
const loopbackOnlyFetch = (url: string | URL | Request, init?: RequestInit): Promise<Response> =>
  new URL(url instanceof Request ? url.url : url).hostname === "127.0.0.1"
    ? fetch(url, init)
    : Promise.reject(new Error(`the test would have sent a request to ${String(url)}`));

describe("A1, C27: redirects of a token endpoint, against real servers", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(close));
  });

  it("A1: a 302 to plain http on another host is not followed: InsecureConnectionError naming its origin only", async () => {
    const route = await serve("127.0.0.1", () => ({
      status: 302,
      headers: { location: `${OFF_LOOPBACK}/steal?code=ONE-TIME-SECRET` },
    }));
    servers.push(route.server);
    const refresher = tokenEndpoint(`${route.origin}/acs-token`, {
      fetch: loopbackOnlyFetch,
      init: { headers: { "X-CSRF-Token": "csrf-secret" } },
    });
    const failure = refresher(new AbortController().signal);
    await expect(failure).rejects.toThrow(InsecureConnectionError);
    await expect(failure).rejects.toThrow(`Refusing to follow a redirect to ${OFF_LOOPBACK}: `);
    await expect(failure).rejects.not.toThrow(/steal|ONE-TIME-SECRET/);
    expect(route.received).toHaveLength(1);
  });

  it("C27: a redirect within the origin (a sign-in page) is not followed: TokenEndpointError with its status", async () => {
    const route = await serve("127.0.0.1", (path) =>
      path === "/acs-token" ? { status: 302, headers: { location: "/login?next=%2Facs-token" } } : { status: 200 },
    );
    servers.push(route.server);
    const failure = tokenEndpoint(`${route.origin}/acs-token`)(new AbortController().signal);
    await expect(failure).rejects.toThrow(TokenEndpointError);
    await expect(failure).rejects.toMatchObject({ status: 302 });
    await expect(failure).rejects.toThrow(/answered 302, a redirect, which tokenEndpoint does not follow/);
    await expect(failure).rejects.not.toThrow(/login|next/);
    expect(route.received.map(({ path }) => path)).toEqual(["/acs-token"]);
  });

  it('C27: with init.redirect "follow", a redirect to a loopback host is followed', async () => {
    const route = await serve("127.0.0.1", (path) =>
      path === "/acs-token"
        ? { status: 307, headers: { location: "/v2/acs-token" } }
        : { status: 200, body: OPAQUE_TOKEN },
    );
    servers.push(route.server);
    const refresher = tokenEndpoint(`${route.origin}/acs-token`, { init: { redirect: "follow" } });
    await expect(refresher(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
  });
});

describe('C27: a byte body with init.redirect "follow" is sent again on a 307 or 308 (127.0.0.1)', () => {
  const servers: LoopbackServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it.each([
    ["a Uint8Array", () => new TextEncoder().encode("user=alice"), 307],
    ["an ArrayBuffer", () => new TextEncoder().encode("user=alice").buffer, 308],
    ["a DataView", () => new DataView(new TextEncoder().encode("xxuser=alice").buffer, 2), 307],
  ])("C27: %s body, at every refresh", async (_kind, body, status) => {
    const server = await startLoopbackServer((request) =>
      request.pathAndQuery === "/acs-token"
        ? { status, headers: { location: "/v2/acs-token" } }
        : { status: 200, rawBody: OPAQUE_TOKEN, headers: { "content-type": "text/plain" } },
    );
    servers.push(server);
    const refresher = tokenEndpoint(`${server.origin}/acs-token`, {
      init: { method: "POST", body: body(), redirect: "follow" },
    });
    await expect(refresher(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
    await expect(refresher(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
    expect(server.received.map((request) => [request.method, request.pathAndQuery, request.body.toString()])).toEqual([
      ["POST", "/acs-token", "user=alice"],
      ["POST", "/v2/acs-token", "user=alice"],
      ["POST", "/acs-token", "user=alice"],
      ["POST", "/v2/acs-token", "user=alice"],
    ]);
  });
});

describe("A1, C27: redirects of a token endpoint, with a scripted fetch", () => {
  const ENDPOINT = "https://app.example/api/acs-token";
  const call = (fetch: (url: string, init: RequestInit) => Promise<Response>, options = {}) =>
    tokenEndpoint(ENDPOINT, { fetch, ...options })(new AbortController().signal);

  /** A Response as fetch gives it after following redirects to `url`. */
  function followedTo(url: string): Response {
    const response = new Response(OPAQUE_TOKEN);
    Object.defineProperty(response, "url", { value: url });
    Object.defineProperty(response, "redirected", { value: true });
    return response;
  }

  it('C27: each request asks fetch not to follow redirects (redirect: "manual") unless init.redirect says otherwise', async () => {
    const fetch = jest.fn(async (_url: string, _init: RequestInit) => new Response(OPAQUE_TOKEN));
    await call(fetch);
    await call(fetch, { init: { redirect: "follow" } });
    expect(fetch.mock.calls.map(([, init]) => init.redirect)).toEqual(["manual", "follow"]);
  });

  it("A1: a fetch that followed a redirect to plain http on another host: InsecureConnectionError naming its origin only", async () => {
    const fetch = jest.fn(async () => followedTo("http://tokens.evil.example/u/user-998?code=ONE-TIME-SECRET"));
    const failure = call(fetch);
    await expect(failure).rejects.toThrow(InsecureConnectionError);
    await expect(failure).rejects.toThrow(/^Refusing to take a token redirected to http:\/\/tokens\.evil\.example: /);
    await expect(failure).rejects.not.toThrow(/user-998|ONE-TIME-SECRET/);
    expect(fetch).toHaveBeenCalledTimes(1); // not retried
  });

  it("A1: allowInsecureConnection takes it, for tests", async () => {
    const fetch = jest.fn(async () => followedTo("http://token-stub.test/acs-token"));
    await expect(call(fetch, { allowInsecureConnection: true })).resolves.toBe(OPAQUE_TOKEN);
  });

  it.each(["https://tokens.contoso.example/acs-token", "http://localhost:7071/api/acs-token"])(
    "C27: a fetch that followed a redirect to %s: the token is taken",
    async (url) => {
      await expect(call(jest.fn(async () => followedTo(url)))).resolves.toBe(OPAQUE_TOKEN);
    },
  );

  it("A1: a 302 whose Location is plain http on another host: InsecureConnectionError", async () => {
    const fetch = jest.fn(
      async () => new Response(null, { status: 302, headers: { location: "http://tokens.evil.example/x?code=1" } }),
    );
    await expect(call(fetch)).rejects.toThrow(/^Refusing to follow a redirect to http:\/\/tokens\.evil\.example: /);
  });

  it("C27: a browser's opaque redirect (status 0): TokenEndpointError saying that it is not followed", async () => {
    const fetch = jest.fn(async () => {
      const response = new Response(null, { status: 200 });
      Object.defineProperty(response, "type", { value: "opaqueredirect" });
      Object.defineProperty(response, "status", { value: 0 });
      return response;
    });
    const failure = call(fetch);
    await expect(failure).rejects.toThrow(TokenEndpointError);
    await expect(failure).rejects.toThrow(/answered with a redirect, which tokenEndpoint does not follow/);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
