import { tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";

const ENDPOINT = "https://app.example/api/acs-token";

function recordingFetch() {
  return jest.fn(async (_url: string, _init: RequestInit) => new Response(OPAQUE_TOKEN));
}

/** Calls tokenEndpoint with arguments its types forbid, as JavaScript callers may. */
function tokenEndpointUnchecked(url: unknown, options?: unknown) {
  return tokenEndpoint(url as string, options as TokenEndpointOptions);
}

describe("C27: tokenEndpoint checks its arguments when called, before anything is fetched", () => {
  it.each([
    ["a number", 42, /url must be a string or a URL; got 42/],
    ["undefined", undefined, /url must be a string or a URL; got undefined/],
    ["a Request-like object", { url: ENDPOINT }, /url must be a string or a URL; got an object/],
    [
      "a relative URL, in Node",
      "/api/acs-token?code=secret",
      /url must be absolute.*to resolve a relative one against/,
    ],
    [
      "a URL that does not parse",
      "https://exa mple.com/t?code=secret",
      /url "https:\/\/exa mple.com" is not a valid URL/,
    ],
    ["another scheme", "ftp://app.example/token", /url must be an http: or https: URL, not ftp:/],
    ["a user name and password", "https://me:secret@app.example/token", /must not contain a user name or password/],
  ])("C27: url: %s is a TypeError that repeats no query or password", (_, url, message) => {
    const attempt = () => tokenEndpointUnchecked(url);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
    expect(attempt).not.toThrow(/secret/);
  });

  it("C27: a URL object is taken, and its later changes do not move the endpoint", async () => {
    const fetch = recordingFetch();
    const url = new URL(ENDPOINT);
    const refresher = tokenEndpoint(url, { fetch });
    url.pathname = "/elsewhere";
    await refresher(new AbortController().signal);
    expect(fetch.mock.calls[0]?.[0]).toBe(ENDPOINT);
  });

  describe("C27: in a browser, a relative URL is resolved against the page, once", () => {
    beforeEach(() => {
      Object.defineProperty(globalThis, "location", {
        value: { href: "https://app.example/chat/room?id=1" },
        configurable: true,
        writable: true,
      });
    });
    afterEach(() => {
      delete (globalThis as { location?: unknown }).location;
    });

    it.each([
      ["/api/acs-token", "https://app.example/api/acs-token"],
      ["acs-token?tenant=7", "https://app.example/chat/acs-token?tenant=7"],
    ])("C27: %s → %s", async (relative, absolute) => {
      const fetch = recordingFetch();
      const refresher = tokenEndpoint(relative, { fetch });
      (globalThis as { location?: { href: string } }).location = { href: "https://other.example/" };
      await refresher(new AbortController().signal);
      expect(fetch.mock.calls[0]?.[0]).toBe(absolute);
    });
  });

  it.each<[string, unknown, RegExp]>([
    ["not an object", "fetch", /options must be an object; got the string "fetch"/],
    ["null", null, /options must be an object; got null/],
    ["a misspelt name", { fecth: recordingFetch() }, /Unknown option options.fecth: did you mean fetch\?/],
    ["an unknown name", { timeoutMs: 5 }, /Unknown option options.timeoutMs\./],
    ["a plural of a name", { retries: 3 }, /^tokenEndpoint: Unknown option options.retries: did you mean retry\?$/],
    [
      "a misspelt retry name",
      { retry: { maxRetry: 2 } },
      /Unknown option options.retry.maxRetry: did you mean maxRetries\?/,
    ],
    [
      "a fetch that is no function",
      { fetch: "https://app.example" },
      /options.fetch must be a function; got the string/,
    ],
    ["an init that is no object", { init: "POST" }, /options.init must be an object; got the string "POST"/],
    ["an init with a signal", { init: { signal: new AbortController().signal } }, /options.init.signal is not used/],
    [
      "an init with a misspelt name",
      { init: { credential: "include" } },
      /options.init.credential: did you mean credentials\?/,
    ],
    ["a body on a GET", { init: { body: "{}" } }, /options.init.body needs a method such as POST; GET has none/],
    ["a body on a HEAD", { init: { method: "head", body: "{}" } }, /head has none/],
    ["a stream body", { init: { method: "POST", body: new Blob(["{}"]).stream() } }, /not a stream/],
  ])("C27: options: %s is a TypeError", (_, options, message) => {
    const attempt = () => tokenEndpointUnchecked(ENDPOINT, options);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(message);
  });

  it("C27: RequestInit names it does not know, such as a runtime's own, are let through to the fetch", async () => {
    const fetch = recordingFetch();
    const init = { method: "POST", body: new URLSearchParams({ scope: "voip" }), next: { revalidate: 0 } };
    await tokenEndpoint(ENDPOINT, { fetch, init })(new AbortController().signal);
    expect(fetch.mock.calls[0]?.[1]).toMatchObject(init);
  });

  it("C27: init is copied when the refresher is made: replacing its fields later changes nothing", async () => {
    const fetch = recordingFetch();
    const init: RequestInit = { method: "POST", body: "{}" };
    const refresher = tokenEndpoint(ENDPOINT, { fetch, init });
    init.method = "GET";
    await refresher(new AbortController().signal);
    expect(fetch.mock.calls[0]?.[1]).toMatchObject({ method: "POST", body: "{}" });
  });

  it("C27: nothing is fetched until the credential asks", () => {
    const fetch = recordingFetch();
    tokenEndpoint(ENDPOINT, { fetch, init: { method: "POST" } });
    expect(fetch).not.toHaveBeenCalled();
  });

  describe("C27: without options.fetch, the global fetch is looked up at each call", () => {
    const original = globalThis.fetch;
    afterEach(() => {
      globalThis.fetch = original;
    });

    it("C27: a fetch installed after the refresher was made is the one called", async () => {
      const refresher = tokenEndpoint(ENDPOINT);
      const fetch = recordingFetch();
      globalThis.fetch = fetch as unknown as typeof globalThis.fetch;
      await expect(refresher(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
      expect(fetch).toHaveBeenCalledTimes(1);
    });

    it("C27: no global fetch at all is a TypeError pointing to options.fetch, when the call happens", async () => {
      const refresher = tokenEndpoint(ENDPOINT);
      (globalThis as { fetch?: unknown }).fetch = undefined;
      await expect(refresher(new AbortController().signal)).rejects.toThrow(
        /no global fetch here; pass one as options.fetch/,
      );
    });
  });
});

describe("C27: an unreadable url in a message", () => {
  it.each([
    "https:\\\\user:secret@exa mple.com/x",
    "https:user:secret@exa mple.com",
    "https://user:secret@exa mple.com",
  ])("never repeats what stands before an @: %s", (url) => {
    let message = "";
    try {
      tokenEndpoint(url);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/is not a valid URL/);
    expect(message).not.toContain("secret");
    expect(message).not.toContain("user");
  });
});
