import { CommunicationTokenCredential, createAuthenticatedFetch, type FetchFunction } from "../../lib/index.js";
import {
  startLoopbackServer,
  type Answer,
  type LoopbackServer,
  type ReceivedRequest,
} from "../support/loopbackServer.js";

// Issue 22, 4: fetch keeps Authorization on a same-origin redirect, wherever on the origin it leads,
// so createAuthenticatedFetch follows a bearer request's redirects itself and asks the matcher first.

const staticCredential = (token = "user-token") => ({
  getToken: jest.fn(async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 })),
});

/** A server whose answers are looked up by path; anything else is a 200. */
async function serverOf(routes: Record<string, (request: ReceivedRequest) => Answer>): Promise<LoopbackServer> {
  return startLoopbackServer((request) => {
    const route = routes[new URL(request.pathAndQuery, "http://x").pathname];
    return route === undefined ? { status: 200, body: { at: request.pathAndQuery } } : route(request);
  });
}

const redirect = (status: number, location: string) => () => ({ status, headers: { location } });
const authorizations = (server: LoopbackServer) =>
  server.received.map((request) => [request.method, request.pathAndQuery, request.headers.authorization]);

describe("A2: a bearer request's redirects, against servers on 127.0.0.1", () => {
  const servers: LoopbackServer[] = [];
  const start = async (routes: Record<string, (request: ReceivedRequest) => Answer>) => {
    const server = await serverOf(routes);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("A2: a same-origin 307 out of a path-scoped resource is followed without the token", async () => {
    const server = await start({ "/acs/chat": redirect(307, "/other-app/collect") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    const response = await acsFetch(`${server.origin}/acs/chat`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ at: "/other-app/collect" });
    expect(authorizations(server)).toEqual([
      ["GET", "/acs/chat", "Bearer user-token"],
      ["GET", "/other-app/collect", undefined],
    ]);
  });

  it("A2: a redirect within the resource keeps the token; once it has left, the token is not added back", async () => {
    const server = await start({
      "/acs/a": redirect(302, "/acs/b"),
      "/acs/b": redirect(308, "/outside"),
      "/outside": redirect(307, "/acs/c"),
    });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    expect((await acsFetch(`${server.origin}/acs/a`)).status).toBe(200);
    expect(authorizations(server)).toEqual([
      ["GET", "/acs/a", "Bearer user-token"],
      ["GET", "/acs/b", "Bearer user-token"],
      ["GET", "/outside", undefined],
      ["GET", "/acs/c", undefined],
    ]);
  });

  it("A2: a redirect to an encoded escape of the resource's path (..%2F) is followed without the token", async () => {
    const server = await start({ "/acs/a": redirect(307, "/acs/..%2Fadmin") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    await acsFetch(`${server.origin}/acs/a`);
    expect(authorizations(server)[1]).toEqual(["GET", "/acs/..%2Fadmin", undefined]);
  });

  it("A2: without protectedResources the token follows within the origin asked for, never to another", async () => {
    const other = await start({});
    const server = await start({ "/a": redirect(307, "/b"), "/b": redirect(307, `${other.origin}/c`) });
    await createAuthenticatedFetch(staticCredential())(`${server.origin}/a`);
    expect([...authorizations(server), ...authorizations(other)]).toEqual([
      ["GET", "/a", "Bearer user-token"],
      ["GET", "/b", "Bearer user-token"],
      ["GET", "/c", undefined],
    ]);
  });

  it.each([307, 308])(
    "A2: a POST with a body that gets a %i is sent on with its body (Node's own follow failed on a detached ArrayBuffer)",
    async (status) => {
      const server = await start({ "/acs/upload": redirect(status, "/acs/upload-here") });
      const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
      const response = await acsFetch(`${server.origin}/acs/upload`, {
        method: "POST",
        body: "hello",
        headers: { "content-type": "text/plain" },
      });
      expect(response.status).toBe(200);
      expect(
        server.received.map(({ method, pathAndQuery, headers, body }) => [
          method,
          pathAndQuery,
          headers.authorization,
          headers["content-type"],
          body.toString(),
        ]),
      ).toEqual([
        ["POST", "/acs/upload", "Bearer user-token", "text/plain", "hello"],
        ["POST", "/acs/upload-here", "Bearer user-token", "text/plain", "hello"],
      ]);
    },
  );

  it.each([
    [303, "PUT"],
    [302, "POST"],
  ])("A2: a %i after a %s is followed as fetch does: a GET without the body or its headers", async (status, method) => {
    const server = await start({ "/acs/form": redirect(status, "/acs/result") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    await acsFetch(`${server.origin}/acs/form`, { method, body: "data", headers: { "content-type": "text/plain" } });
    const [, second] = server.received;
    expect([second?.method, second?.headers["content-type"], second?.body.length]).toEqual(["GET", undefined, 0]);
    expect(second?.headers.authorization).toBe("Bearer user-token");
  });

  it("A2: the caller's redirect: 'manual' gets the redirect itself; redirect: 'error' rejects; neither follows", async () => {
    const server = await start({ "/acs/a": redirect(307, "/other-app/collect") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    const manual = await acsFetch(`${server.origin}/acs/a`, { redirect: "manual" });
    expect([manual.status, manual.headers.get("location")]).toEqual([307, "/other-app/collect"]);
    await expect(acsFetch(`${server.origin}/acs/a`, { redirect: "error" })).rejects.toHaveProperty("name", "TypeError"); // fetch's own, of another realm;
    expect(authorizations(server)).toEqual([
      ["GET", "/acs/a", "Bearer user-token"],
      ["GET", "/acs/a", "Bearer user-token"],
    ]);
  });

  it("A2: more than 20 redirects reject with a TypeError, as fetch's own limit", async () => {
    const server = await start({ "/acs/loop": redirect(302, "/acs/loop") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    await expect(acsFetch(`${server.origin}/acs/loop`)).rejects.toThrow(/more than 20 redirects/);
    expect(server.received).toHaveLength(21);
  });

  it("A2: a Location that is not http(s) is a TypeError naming the origin only; nothing is sent there", async () => {
    const server = await start({ "/acs/a": redirect(302, "javascript:alert(1)") });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${server.origin}/acs/`] });
    await expect(acsFetch(`${server.origin}/acs/a`)).rejects.toThrow(
      new TypeError(`${server.origin} answered with a redirect to a javascript: URL, which fetch does not follow.`),
    );
    expect(server.received).toHaveLength(1);
  });

  it("A2: a Location with a user name or password is a TypeError naming its origin only; nothing is sent there", async () => {
    const server = await start({});
    const target = `http://user:pw@127.0.0.1:${new URL(server.origin).port}/acs/b?q=SECRETQ`;
    server.received.length = 0;
    const first = await start({ "/acs/a": redirect(307, target) });
    const acsFetch = createAuthenticatedFetch(staticCredential(), { protectedResources: [`${first.origin}/acs/`] });
    const call = acsFetch(`${first.origin}/acs/a`);
    await expect(call).rejects.toThrow(TypeError);
    await expect(call).rejects.toThrow(`redirect to ${server.origin} with a user name or password`);
    await expect(call).rejects.not.toThrow(/user:|pw@|SECRETQ|\/acs\/b/);
    expect(server.received).toHaveLength(0);
  });

  it("A2: a custom fetch that follows redirects though asked not to is a TypeError naming origins only", async () => {
    const server = await start({ "/acs/chat": redirect(307, "/other-app/collect?c=SECRET") });
    const ignoresRedirectMode: FetchFunction = (input) => {
      const request = input as Request;
      return fetch(request.url, { method: request.method, headers: request.headers });
    };
    const acsFetch = createAuthenticatedFetch(staticCredential(), {
      fetch: ignoresRedirectMode,
      protectedResources: [`${server.origin}/acs/`],
    });
    const call = acsFetch(`${server.origin}/acs/chat`);
    await expect(call).rejects.toThrow(TypeError);
    await expect(call).rejects.toThrow(
      `The fetch followed a redirect from ${server.origin} to ${server.origin} though it was asked not to`,
    );
    await expect(call).rejects.toThrow(/options\.fetch must send the Request/);
    await expect(call).rejects.not.toThrow(/other-app|SECRET|\/acs/);
  });

  it("A2: a custom fetch's Response with a url of its own other than the one sent is refused too", async () => {
    const acsFetch = createAuthenticatedFetch(staticCredential(), {
      fetch: async () => {
        const answer = new Response("from elsewhere");
        Object.defineProperty(answer, "url", { value: "https://elsewhere.example/collect" });
        return answer;
      },
      protectedResources: ["https://app.example/acs/"],
    });
    await expect(acsFetch("https://app.example/acs/x#frag")).rejects.toThrow(
      "from https://app.example to https://elsewhere.example though",
    );
    const sameUrl = createAuthenticatedFetch(staticCredential(), {
      fetch: async (input) => {
        const answer = new Response("here");
        Object.defineProperty(answer, "url", { value: (input as Request).url });
        return answer;
      },
    });
    expect(await (await sameUrl("https://app.example/acs/x#frag")).text()).toBe("here");
  });

  describe("A3 with redirects", () => {
    let validToken = "token-1";
    const tokenRefresher = jest.fn(async () => ({ token: validToken, expiresOnTimestamp: Date.now() + 3_600_000 }));
    const staleCredential = () =>
      new CommunicationTokenCredential({
        tokenRefresher,
        token: { token: "revoked-token", expiresOnTimestamp: Date.now() + 3_600_000 },
      });
    const checksToken = (request: ReceivedRequest): Answer =>
      request.headers.authorization === `Bearer ${validToken}` ? { status: 200 } : { status: 401 };
    beforeEach(() => tokenRefresher.mockClear());

    it("A3: a 401 at the end of a redirect within the resource renews the token and sends the request again", async () => {
      const server = await start({ "/acs/a": redirect(307, "/acs/b"), "/acs/b": checksToken });
      const acsFetch = createAuthenticatedFetch(staleCredential(), { protectedResources: [`${server.origin}/acs/`] });
      const response = await acsFetch(`${server.origin}/acs/a`, { method: "POST", body: "hi" });
      expect(response.status).toBe(200);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect(server.received.map((request) => [request.pathAndQuery, request.headers.authorization])).toEqual([
        ["/acs/a", "Bearer revoked-token"],
        ["/acs/b", "Bearer revoked-token"],
        ["/acs/a", "Bearer token-1"],
        ["/acs/b", "Bearer token-1"],
      ]);
    });

    it("A3: a 401 from where a redirect led without the token is returned as it is: no renewal", async () => {
      const server = await start({ "/acs/a": redirect(307, "/elsewhere"), "/elsewhere": checksToken });
      const acsFetch = createAuthenticatedFetch(staleCredential(), { protectedResources: [`${server.origin}/acs/`] });
      expect((await acsFetch(`${server.origin}/acs/a`)).status).toBe(401);
      expect(tokenRefresher).not.toHaveBeenCalled();
      expect(server.received).toHaveLength(2);
    });
  });
});

describe("A2: a redirect the browser hides (an opaque redirect)", () => {
  /** What a browser's fetch answers to redirect: "manual" (and the only answer a script gets to see). */
  const browserLike = () => {
    const sent: Request[] = [];
    const send: FetchFunction = async (input) => {
      const request = input as Request;
      sent.push(request);
      if (request.redirect !== "manual") return new Response("followed with the token");
      const opaque = new Response(null, { status: 200 });
      Object.defineProperties(opaque, { type: { value: "opaqueredirect" }, status: { value: 0 } });
      return opaque;
    };
    return { sent, send };
  };

  it("A2: rejects with a TypeError naming the origin only, and nothing more is sent", async () => {
    const { sent, send } = browserLike();
    const acsFetch = createAuthenticatedFetch(staticCredential(), {
      fetch: send,
      protectedResources: ["https://app.example/acs/"],
    });
    const call = acsFetch("https://app.example/acs/threads/secret-id?code=1", { method: "POST", body: "x" });
    await expect(call).rejects.toThrow(TypeError);
    await expect(call).rejects.toThrow(
      /^https:\/\/app\.example answered with a redirect that the browser does not show/,
    );
    await expect(call).rejects.not.toThrow(/secret-id|code=1/);
    expect(sent.map((request) => [request.redirect, request.headers.get("authorization")])).toEqual([
      ["manual", "Bearer user-token"],
    ]);
  });

  it("A2: a caller's redirect: 'manual' gets the opaque redirect itself", async () => {
    const { send } = browserLike();
    const acsFetch = createAuthenticatedFetch(staticCredential(), { fetch: send });
    expect((await acsFetch("https://app.example/acs/x", { redirect: "manual" })).type).toBe("opaqueredirect");
  });
});
