import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  AccessKeyCredential,
  CommunicationTokenCredential,
  createAuthenticatedFetch,
  InsecureConnectionError,
  type AuthenticatedFetchOptions,
  type FetchFunction,
} from "../../lib/index.js";
import { startLoopbackServer, type LoopbackServer, type ReceivedRequest } from "../support/loopbackServer.js";

const KEY = Buffer.from("the resource's access key, 32 by").toString("base64");

/** What the ACS service does with an HMAC request, written independently of the library with node:crypto. */
function verifiesHmac(key: string) {
  return (request: ReceivedRequest): boolean => {
    const contentHash = createHash("sha256").update(request.body).digest("base64");
    if (request.headers["x-ms-content-sha256"] !== contentHash) return false;
    const stringToSign = `${request.method}\n${request.pathAndQuery}\n${request.headers["x-ms-date"]};${request.headers.host};${contentHash}`;
    const expected = createHmac("sha256", Buffer.from(key, "base64")).update(stringToSign).digest("base64");
    const prefix = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";
    const authorization = String(request.headers.authorization ?? "");
    const given = Buffer.from(authorization.slice(prefix.length));
    return (
      authorization.startsWith(prefix) &&
      given.length === expected.length &&
      timingSafeEqual(given, Buffer.from(expected))
    );
  };
}

describe("createAuthenticatedFetch against a server on 127.0.0.1", () => {
  let server: LoopbackServer;
  afterEach(() => server.close());

  describe("with an access key", () => {
    beforeEach(async () => {
      const verify = verifiesHmac(KEY);
      server = await startLoopbackServer((request) => (verify(request) ? { status: 200 } : { status: 401 }));
    });

    it("passes the server's signature check: GET with a query as sent, POST with a body", async () => {
      const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
      expect((await acsFetch(`${server.origin}/identities?api-version=2023-10-01&q=a%20b`)).status).toBe(200);
      const post = await acsFetch(`${server.origin}/chat/threads`, {
        method: "POST",
        body: JSON.stringify({ topic: "héllo 😀" }),
      });
      expect(post.status).toBe(200);
      expect(server.received[1]?.body.toString()).toBe('{"topic":"héllo 😀"}');
    });

    it("signs a body that can be read only once (a stream) and a Request object", async () => {
      const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
      const stream = new Blob(["streamed ", "body"]).stream();
      const init = { method: "PUT", body: stream, duplex: "half" } as RequestInit;
      expect((await acsFetch(`${server.origin}/upload`, init)).status).toBe(200);
      expect(server.received[0]?.body.toString()).toBe("streamed body");
      const request = new Request(`${server.origin}/r`, { method: "PATCH", body: "from a Request" });
      expect((await acsFetch(request)).status).toBe(200);
    });

    it("a wrong key fails the server's check", async () => {
      const wrongKey = Buffer.from("some other key").toString("base64");
      expect((await createAuthenticatedFetch(new AccessKeyCredential(wrongKey))(`${server.origin}/x`)).status).toBe(
        401,
      );
    });
  });

  describe("with a token credential", () => {
    let validToken = "token-1";
    let issued = 0;
    const tokenRefresher = jest.fn(async () => {
      issued += 1;
      validToken = `token-${issued + 1}`;
      return { token: validToken, expiresOnTimestamp: Date.now() + 3_600_000 };
    });
    const staleCredential = () =>
      new CommunicationTokenCredential({
        tokenRefresher,
        token: { token: "revoked-token", expiresOnTimestamp: Date.now() + 3_600_000 },
      });

    beforeEach(async () => {
      validToken = "token-1";
      issued = 0;
      tokenRefresher.mockClear();
      server = await startLoopbackServer(({ headers }) =>
        headers.authorization === `Bearer ${validToken}` ? { status: 200 } : { status: 401 },
      );
    });

    it("sends the token as a bearer header", async () => {
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      const response = await createAuthenticatedFetch(credential)(`${server.origin}/chat`);
      expect(response.status).toBe(200);
      expect(server.received[0]?.headers.authorization).toBe("Bearer token-2");
    });

    it("on a 401, refreshes the token and retries once, resending the body", async () => {
      const chatFetch = createAuthenticatedFetch(staleCredential());
      const response = await chatFetch(`${server.origin}/chat`, { method: "POST", body: "hello" });
      expect(response.status).toBe(200);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
      expect(server.received.map((request) => [request.headers.authorization, request.body.toString()])).toEqual([
        ["Bearer revoked-token", "hello"],
        ["Bearer token-2", "hello"],
      ]);
    });

    it("concurrent 401s share one refresh", async () => {
      const chatFetch = createAuthenticatedFetch(staleCredential());
      const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => chatFetch(`${server.origin}/chat/${i}`)));
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("retries only once: a second 401 is returned as it is, no loop", async () => {
      await server.close();
      server = await startLoopbackServer(() => ({ status: 401 }));
      const response = await createAuthenticatedFetch(staleCredential())(`${server.origin}/chat`);
      expect(response.status).toBe(401);
      expect(server.received).toHaveLength(2);
      expect(tokenRefresher).toHaveBeenCalledTimes(1);
    });

    it("a refresh that fails rejects the call with the refresher's error", async () => {
      const failure = new Error("token server down");
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => Promise.reject(failure),
        token: { token: "revoked-token", expiresOnTimestamp: Date.now() + 3_600_000 },
      });
      await expect(createAuthenticatedFetch(credential)(`${server.origin}/chat`)).rejects.toBe(failure);
    });

    it("a renewal that failed once is tried again by the next 401 of the same token (issue 10, 1)", async () => {
      const failure = new Error("token server briefly down");
      let healthy = false;
      const flaky = jest.fn(async () => {
        if (!healthy) {
          healthy = true;
          throw failure;
        }
        return tokenRefresher();
      });
      const chatFetch = createAuthenticatedFetch(
        new CommunicationTokenCredential({
          tokenRefresher: flaky,
          token: { token: "revoked-token", expiresOnTimestamp: Date.now() + 3_600_000 },
        }),
      );
      await expect(chatFetch(`${server.origin}/chat/1`)).rejects.toBe(failure);
      expect((await chatFetch(`${server.origin}/chat/2`)).status).toBe(200);
      expect((await chatFetch(`${server.origin}/chat/3`)).status).toBe(200);
      expect(flaky).toHaveBeenCalledTimes(2);
    });

    it("does not resend when the renewal brings no new token", async () => {
      const stuck = { getToken: jest.fn(async () => ({ token: "revoked-token", expiresOnTimestamp: 0 })) };
      const response = await createAuthenticatedFetch(stuck)(`${server.origin}/chat`);
      expect(response.status).toBe(401);
      expect(server.received).toHaveLength(1);
    });

    it("a renewal that brought back the rejected token is not kept: the next 401 asks the credential again", async () => {
      // An Azure-style credential hands out its cached token until it has a new one.
      const tokens = ["revoked-token", "revoked-token", "revoked-token", "token-1"];
      const azureStyle = {
        getToken: jest.fn(async () => ({ token: tokens.shift() ?? "token-1", expiresOnTimestamp: 0 })),
      };
      const chatFetch = createAuthenticatedFetch(azureStyle);
      expect((await chatFetch(`${server.origin}/chat/1`)).status).toBe(401); // no retry with the same token
      expect(server.received).toHaveLength(1);
      expect((await chatFetch(`${server.origin}/chat/2`)).status).toBe(200);
      expect(azureStyle.getToken).toHaveBeenCalledTimes(4);
      expect(server.received.map((request) => request.headers.authorization)).toEqual([
        "Bearer revoked-token",
        "Bearer revoked-token",
        "Bearer token-1",
      ]);
    });

    it("works with a credential that has only getToken (the Azure interface): retries when it hands out a new token", async () => {
      const tokens = ["revoked-token", "token-1"];
      const azureStyle = {
        getToken: jest.fn(async () => ({ token: tokens.shift() ?? "token-1", expiresOnTimestamp: 0 })),
      };
      const response = await createAuthenticatedFetch(azureStyle)(`${server.origin}/chat`);
      expect(response.status).toBe(200);
      expect(azureStyle.getToken).toHaveBeenCalledTimes(2);
    });
  });
});

describe("createAuthenticatedFetch without a server", () => {
  it("uses the fetch it is given", async () => {
    const calls: Request[] = [];
    const fakeFetch: FetchFunction = async (input) => {
      calls.push(input as Request);
      return new Response("ok");
    };
    await createAuthenticatedFetch(new AccessKeyCredential(KEY), { fetch: fakeFetch })("https://example.com/x");
    expect(calls[0]?.headers.get("authorization")).toMatch(/^HMAC-SHA256 /);
  });

  it("rejects something that is no credential", () => {
    expect(() => createAuthenticatedFetch({} as never)).toThrow(TypeError);
  });

  it("rejects an unknown option name with a suggestion: a misspelt protectedResources would authenticate everything", () => {
    const misspelt = { protectedResource: ["https://contoso.communication.azure.com"] };
    const create = () => createAuthenticatedFetch(tokenCredential(), misspelt as AuthenticatedFetchOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/^Unknown option options\.protectedResource: did you mean protectedResources\?/);
    expect(() => createAuthenticatedFetch(new AccessKeyCredential(KEY), { retries: 2 } as never)).toThrow(
      /^Unknown option options\.retries\. createAuthenticatedFetch takes fetch, protectedResources/,
    );
  });

  it("rejects options that are not an object", () => {
    expect(() => createAuthenticatedFetch(tokenCredential(), null as never)).toThrow(/options must be an object/);
  });
});

/** A fetch that records what it is asked to send and answers 200. */
function recordingFetch() {
  const sent: Request[] = [];
  const send: FetchFunction = async (input, init) => {
    sent.push(new Request(input, init));
    return new Response("ok");
  };
  return { sent, send };
}

const tokenCredential = () => ({
  getToken: jest.fn(async () => ({ token: "user-token", expiresOnTimestamp: Date.now() + 3_600_000 })),
});

describe("bearer tokens travel only over https or to a loopback host (issue 10, 3)", () => {
  it("an http:// request to another host rejects with InsecureConnectionError before a token is asked for", async () => {
    const credential = tokenCredential();
    const { sent, send } = recordingFetch();
    const request = createAuthenticatedFetch(credential, { fetch: send })(
      "http://contoso.communication.azure.com/chat",
    );
    await expect(request).rejects.toBeInstanceOf(InsecureConnectionError);
    await expect(request).rejects.toThrow(/http:\/\/contoso\.communication\.azure\.com/);
    expect(credential.getToken).not.toHaveBeenCalled();
    expect(sent).toHaveLength(0);
  });

  it("a *.localhost host is not loopback (Node asks DNS for it): http://evil.localhost gets no token", async () => {
    const credential = tokenCredential();
    const { sent, send } = recordingFetch();
    const request = createAuthenticatedFetch(credential, { fetch: send })("http://evil.localhost/x");
    await expect(request).rejects.toBeInstanceOf(InsecureConnectionError);
    expect(credential.getToken).not.toHaveBeenCalled();
    expect(sent).toHaveLength(0);
  });

  it.each(["https://contoso.communication.azure.com/chat", "http://localhost:8080/chat", "http://[::1]:8080/chat"])(
    "sends the token to %s",
    async (url) => {
      const { sent, send } = recordingFetch();
      await createAuthenticatedFetch(tokenCredential(), { fetch: send })(url);
      expect(sent[0]?.headers.get("authorization")).toBe("Bearer user-token");
    },
  );

  it("allowInsecureConnection: true lets it go over http (for tests)", async () => {
    const { sent, send } = recordingFetch();
    await createAuthenticatedFetch(tokenCredential(), { fetch: send, allowInsecureConnection: true })(
      "http://test-server.internal/chat",
    );
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer user-token");
  });

  it("an access-key signature still goes over http, as with the Azure SDK: it reveals no key", async () => {
    const { sent, send } = recordingFetch();
    await createAuthenticatedFetch(new AccessKeyCredential(KEY), { fetch: send })("http://test-server.internal/x");
    expect(sent[0]?.headers.get("authorization")).toMatch(/^HMAC-SHA256 /);
  });

  it("rejects an allowInsecureConnection that is not a boolean", () => {
    expect(() => createAuthenticatedFetch(tokenCredential(), { allowInsecureConnection: "yes" as never })).toThrow(
      /allowInsecureConnection option must be a boolean/,
    );
  });
});

describe("protectedResources: credentials go to the listed ACS endpoints only (issue 10, 3)", () => {
  const protectedResources = ["https://contoso.communication.azure.com/chat"];

  it.each<[string, string]>([
    ["a host that extends the resource's", "https://contoso.communication.azure.com.evil.example/chat/x"],
    ["the resource in the query", "https://evil.example/?u=https://contoso.communication.azure.com/chat"],
    ["http where the resource is https", "http://contoso.communication.azure.com/chat/x"],
    ["another port", "https://contoso.communication.azure.com:8443/chat/x"],
    ["a path that shares a prefix without a / boundary", "https://contoso.communication.azure.com/chatty"],
    ["another path of the resource's host", "https://contoso.communication.azure.com/identities"],
    ["A2: an encoded slash out of the path (issue 22, 4)", "https://contoso.communication.azure.com/chat/..%2Fadmin"],
    ["A2: a ; path parameter out of the path", "https://contoso.communication.azure.com/chat/..;/admin"],
    ["A2: an encoded backslash out of the path", "https://contoso.communication.azure.com/chat/..%5Cadmin"],
  ])("%s gets no token and no signature: %s", async (_, url) => {
    const credential = tokenCredential();
    const bearer = recordingFetch();
    const signed = recordingFetch();
    await createAuthenticatedFetch(credential, { fetch: bearer.send, protectedResources })(url);
    await createAuthenticatedFetch(new AccessKeyCredential(KEY), { fetch: signed.send, protectedResources })(url);
    expect([bearer.sent.length, signed.sent.length]).toEqual([1, 1]);
    expect(credential.getToken).not.toHaveBeenCalled();
    for (const request of [...bearer.sent, ...signed.sent]) {
      expect([...request.headers.keys()].filter((name) => /^(authorization|x-ms-)/.test(name))).toEqual([]);
    }
  });

  it.each([
    ["the resource's path itself", "https://contoso.communication.azure.com/chat"],
    ["a path below it", "https://contoso.communication.azure.com/chat/threads?api-version=2024-03-07"],
    ["an upper-case host", "https://CONTOSO.Communication.Azure.com/chat/threads"],
    ["the default port written out", "https://contoso.communication.azure.com:443/chat/threads"],
  ])("%s gets the token: %s", async (_, url) => {
    const { sent, send } = recordingFetch();
    await createAuthenticatedFetch(tokenCredential(), { fetch: send, protectedResources })(url);
    expect(sent[0]?.headers.get("authorization")).toBe("Bearer user-token");
  });

  it("signs requests to a listed endpoint with the access key", async () => {
    const { sent, send } = recordingFetch();
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY), {
      fetch: send,
      protectedResources: ["https://contoso.communication.azure.com"],
    });
    await acsFetch("https://contoso.communication.azure.com/identities", { method: "POST", body: "{}" });
    expect(sent[0]?.headers.get("authorization")).toMatch(/^HMAC-SHA256 /);
    expect(await sent[0]?.text()).toBe("{}");
  });

  it("an unlisted request goes out as it was given, body included", async () => {
    const { sent, send } = recordingFetch();
    const acsFetch = createAuthenticatedFetch(tokenCredential(), { fetch: send, protectedResources });
    await acsFetch("https://example.com/upload", { method: "PUT", body: "data", headers: { "x-custom": "1" } });
    expect([sent[0]?.method, sent[0]?.headers.get("x-custom"), await sent[0]?.text()]).toEqual(["PUT", "1", "data"]);
  });

  // A login before the host (https://contoso.communication.azure.com@evil.example/…) is not tested
  // here: fetch's Request refuses such URLs before any matching; spec/auth/protectedResources covers it.

  it("A1: with a token credential, a plain-http entry on another host is refused at creation, naming it", () => {
    const create = () =>
      createAuthenticatedFetch(tokenCredential(), {
        protectedResources: ["https://a.communication.azure.com", "http://contoso.communication.azure.com/chat"],
      });
    expect(create).toThrow(TypeError);
    expect(create).toThrow(/^protectedResources\[1\] is http:\/\/contoso\.communication\.azure\.com: a bearer token/);
    expect(create).toThrow(/allowInsecureConnection/);
  });

  it("A1: a plain-http entry is fine on a loopback host, with allowInsecureConnection, or with an access key", () => {
    const insecure = ["http://contoso.communication.azure.com"];
    expect(() =>
      createAuthenticatedFetch(tokenCredential(), { protectedResources: ["http://127.0.0.1:8080"] }),
    ).not.toThrow();
    expect(() =>
      createAuthenticatedFetch(tokenCredential(), { protectedResources: insecure, allowInsecureConnection: true }),
    ).not.toThrow();
    expect(() =>
      createAuthenticatedFetch(new AccessKeyCredential(KEY), { protectedResources: insecure }),
    ).not.toThrow();
  });

  it("the list is checked when the fetch is created", () => {
    expect(() => createAuthenticatedFetch(tokenCredential(), { protectedResources: ["not a url"] })).toThrow(
      /^protectedResources\[0\] must be an absolute URL/,
    );
  });
});
