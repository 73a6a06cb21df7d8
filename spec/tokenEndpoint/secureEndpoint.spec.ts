import { InsecureConnectionError, tokenEndpoint } from "../../lib/index.js";
import { OPAQUE_TOKEN } from "../support/tokens.js";

// A1, C27: the token tokenEndpoint fetches is a bearer token: it comes only over https, or over plain
// http from a loopback host, unless allowInsecureConnection (for tests).
const fetch = jest.fn(async (_url: string, _init: RequestInit) => new Response(OPAQUE_TOKEN));

describe("A1, C27: tokenEndpoint fetches a token only over https, or from a loopback host", () => {
  it.each([
    "http://tokens.example.com/users/user-998/acs-token",
    "http://127.0.0.1.example/acs-token",
    "http://[::2]/t",
  ])("A1: %s is an InsecureConnectionError when tokenEndpoint is called, naming the origin only", (url) => {
    const attempt = () => tokenEndpoint(url, { fetch });
    expect(attempt).toThrow(InsecureConnectionError);
    expect(attempt).toThrow(
      new RegExp(`^Refusing to fetch a token from ${new URL(url).origin.replace(/[.[\]]/g, "\\$&")}: `),
    );
    expect(attempt).toThrow(/allowInsecureConnection: true in tests/);
    expect(attempt).not.toThrow(/user-998/);
    expect(fetch).not.toHaveBeenCalled();
  });

  it.each([
    "https://tokens.example.com/acs-token",
    "http://localhost:3000/acs-token",
    "http://127.0.0.1:3000/acs-token",
    "http://127.4.5.6/acs-token",
    "http://[::1]:3000/acs-token",
  ])("A1: %s is taken", async (url) => {
    await expect(tokenEndpoint(url, { fetch })(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
  });

  it("A1: allowInsecureConnection lets plain http to another host through, for tests", async () => {
    const refresher = tokenEndpoint("http://token-stub.test:8080/acs-token", { fetch, allowInsecureConnection: true });
    await expect(refresher(new AbortController().signal)).resolves.toBe(OPAQUE_TOKEN);
  });

  it("A1: allowInsecureConnection must be a boolean", () => {
    expect(() =>
      tokenEndpoint("https://tokens.example.com", { allowInsecureConnection: 1 as unknown as boolean }),
    ).toThrow(/options.allowInsecureConnection must be a boolean; got 1/);
  });

  describe("A1, C27: a relative URL follows the rule once resolved against the page", () => {
    afterEach(() => {
      delete (globalThis as { document?: unknown }).document;
    });
    const onPage = (baseURI: string) =>
      Object.defineProperty(globalThis, "document", { value: { baseURI }, configurable: true });

    it.each([
      ["an http page on another host", "http://app.example/chat/", false],
      ["an https page", "https://app.example/chat/", true],
      ["an http page on localhost", "http://localhost:4200/", true],
    ])("A1: /api/acs-token on %s: taken %p", (_, baseURI, taken) => {
      onPage(baseURI);
      const attempt = () => tokenEndpoint("/api/acs-token", { fetch });
      if (taken) expect(attempt).not.toThrow();
      else expect(attempt).toThrow(InsecureConnectionError);
    });
  });
});
