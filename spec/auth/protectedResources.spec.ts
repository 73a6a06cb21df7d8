import { createResourceMatcher } from "../../lib/index.js";
import { errorOf } from "../support/errorOf.js";

describe("createResourceMatcher: requests are matched parsed, never by string prefix", () => {
  const isAcs = createResourceMatcher(["https://contoso.communication.azure.com"], "protectedResources");
  const isChat = createResourceMatcher(["https://contoso.communication.azure.com/chat/"], "protectedResources");

  it.each([
    "https://contoso.communication.azure.com.evil.example/x",
    "https://contoso.communication.azure.com@evil.example/x",
    "https://evil.example/?u=https://contoso.communication.azure.com/",
    "https://evil.example/#https://contoso.communication.azure.com/",
    "http://contoso.communication.azure.com/x",
    "https://contoso.communication.azure.com:8443/x",
    "wss://contoso.communication.azure.com/x",
    "blob:https://contoso.communication.azure.com/0b7b2c4e",
    "/chat/threads",
    "not a url",
  ])("refuses a look-alike: %s", (url) => {
    expect(isAcs(url)).toBe(false);
  });

  it.each([
    "https://contoso.communication.azure.com",
    "https://contoso.communication.azure.com/identities?api-version=2023-10-01",
    "https://CONTOSO.COMMUNICATION.AZURE.COM/x",
    "https://contoso.communication.azure.com:443/x",
  ])("accepts %s (host in any case, default port written or not)", (url) => {
    expect(isAcs(url)).toBe(true);
    expect(isAcs(new URL(url))).toBe(true);
  });

  // fetch's Request refuses a URL with a login, but a matcher also serves interceptors (Angular's
  // HttpClient, axios) that never build one: the login must not be taken for the host.
  it("a login that spells the resource's host is not the host", () => {
    const login = "https://contoso.communication.azure.com@evil.example/chat/x";
    expect(isAcs(login)).toBe(false);
    expect(isChat(login)).toBe(false);
    expect(isChat(new URL(login))).toBe(false);
    expect(isChat("https://user:pw@contoso.communication.azure.com/chat/x")).toBe(true); // the host is what counts
  });

  it("a resource's path is continued only at a / boundary", () => {
    expect(isChat("https://contoso.communication.azure.com/chat")).toBe(true);
    expect(isChat("https://contoso.communication.azure.com/chat/threads/1")).toBe(true);
    expect(isChat("https://contoso.communication.azure.com/chatty")).toBe(false);
    expect(isChat("https://contoso.communication.azure.com/identities")).toBe(false);
    expect(isChat("https://contoso.communication.azure.com/chat/../identities")).toBe(false); // as the URL resolves it
  });

  // Issue 22, 4: back ends that decode these paths (Tomcat, Spring, proxies) land outside /chat/.
  it.each([
    "https://contoso.communication.azure.com/chat/..%2Fidentities",
    "https://contoso.communication.azure.com/chat/..%2fidentities",
    "https://contoso.communication.azure.com/chat/..%5Cidentities",
    "https://contoso.communication.azure.com/chat/..%5cidentities",
    "https://contoso.communication.azure.com/chat/..;/identities",
    "https://contoso.communication.azure.com/chat;x=1/threads",
    "https://contoso.communication.azure.com/chat/threads/1;jsessionid=abc",
    "https://contoso.communication.azure.com/chat/%252e%252e/identities",
    "https://contoso.communication.azure.com/chat/..%252Fidentities",
    "https://contoso.communication.azure.com/chat/a%2Fb",
    "https://contoso.communication.azure.com/chat/%253B",
    // Windows and IIS trim trailing dots and spaces; some decoders take overlong or look-alike forms.
    "https://contoso.communication.azure.com/chat/..%20/identities",
    "https://contoso.communication.azure.com/chat/..%09/identities",
    "https://contoso.communication.azure.com/chat/.../identities",
    "https://contoso.communication.azure.com/chat/%c0%ae%c0%ae/identities",
    "https://contoso.communication.azure.com/chat/..%c0%afidentities",
    "https://contoso.communication.azure.com/chat/\uff0e\uff0e/identities",
    "https://contoso.communication.azure.com/chat/..\u2215identities",
    "https://contoso.communication.azure.com/chat/..\uff0fidentities",
  ])("A2: under a path-scoped entry, a path a back end may read as leaving it does not match: %s", (url) => {
    expect(isChat(url)).toBe(false);
    expect(isChat(new URL(url))).toBe(false);
  });

  it("A2: a bare-origin entry lists every path of its origin, these included; ordinary encodings still match", () => {
    expect(isAcs("https://contoso.communication.azure.com/chat/..%2Fidentities")).toBe(true);
    expect(isAcs("https://contoso.communication.azure.com/chat/..;/identities")).toBe(true);
    expect(isChat("https://contoso.communication.azure.com/chat/threads/19%3Aabc%40thread.v2/messages")).toBe(true);
    expect(isChat("https://contoso.communication.azure.com/chat/threads/a%20b?x=..%2F;")).toBe(true); // the query is not the path
    expect(isChat("https://contoso.communication.azure.com/chat/threads/v1.0/a...b")).toBe(true);
    expect(isChat("https://contoso.communication.azure.com/chat/users/caf%C3%A9/100%25")).toBe(true);
  });

  it("resolves a relative URL against the base it is given, as the browser will", () => {
    expect(isAcs("/chat/threads", "https://contoso.communication.azure.com/app/")).toBe(true);
    expect(isAcs("//contoso.communication.azure.com/x", "https://app.example/")).toBe(true);
    expect(isAcs("/chat/threads", "https://app.example/")).toBe(false);
  });

  it("matches any of several resources", () => {
    const either = createResourceMatcher(["https://a.communication.azure.com", "http://127.0.0.1:8080/acs"], "list");
    expect(either("https://a.communication.azure.com/x")).toBe(true);
    expect(either("http://127.0.0.1:8080/acs/x")).toBe(true);
    expect(either("http://127.0.0.1:8080/other")).toBe(false);
  });
});

describe("createResourceMatcher: the list is checked eagerly", () => {
  it.each<[string, unknown, RegExp]>([
    ["a string instead of an array", "https://contoso.communication.azure.com", /^protectedResources must be an array/],
    ["an empty array", [], /^protectedResources is empty/],
    ["a non-string entry", [42], /^protectedResources\[0\] must be an absolute URL/],
    ["a relative URL", ["/chat"], /^protectedResources\[0\] must be an absolute URL/],
    [
      "a non-http(s) URL",
      ["ftp://contoso.communication.azure.com"],
      /^protectedResources\[0\] must be an http or https/,
    ],
    ["a query", ["https://contoso.communication.azure.com/?x=1"], /^protectedResources\[0\] must have no query/],
    ["an empty query", ["https://contoso.communication.azure.com/?"], /must have no query/],
    ["a fragment", ["https://contoso.communication.azure.com/#x"], /^protectedResources\[0\] must have no fragment/],
    ["an empty fragment", ["https://contoso.communication.azure.com#"], /must have no fragment/],
  ])("rejects %s with a TypeError naming the option", (_, resources, message) => {
    const error = errorOf(() => createResourceMatcher(resources as string[], "protectedResources"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });

  it("names the entry at fault", () => {
    expect(() => createResourceMatcher(["https://a.example", "mailto:x@y.example"], "protectedResources")).toThrow(
      /^protectedResources\[1\] must be an http or https URL/,
    );
  });

  it.each(["https://user:pw@contoso.communication.azure.com", "https://user@contoso.communication.azure.com/chat"])(
    "rejects a login before the host without repeating it: %s",
    (resource) => {
      const error = errorOf(() => createResourceMatcher([resource], "protectedResources"));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/^protectedResources\[0\] must not carry a login/);
      expect(error.message).not.toContain("user");
      expect(error.message).not.toContain("pw");
    },
  );

  it("names a URL of another scheme by its scheme only, whatever follows it", () => {
    const error = errorOf(() => createResourceMatcher(["acs:user:pw@contoso"], "protectedResources"));
    expect(error.message).toBe("protectedResources[0] must be an http or https URL, not acs:.");
  });

  it("shows only the scheme and host of an entry at fault, never its path (it may hold a key)", () => {
    const error = errorOf(() =>
      createResourceMatcher(["https://contoso.communication.azure.com/;accesskey=c2VjcmV0?x=1"], "protectedResources"),
    );
    expect(error.message).toBe(
      "protectedResources[0] must have no query; got https://contoso.communication.azure.com.",
    );
  });

  it("does not repeat an entry that is no URL (it may be a connection string with its key)", () => {
    const pasted = "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0";
    expect(errorOf(() => createResourceMatcher([pasted], "protectedResources")).message).not.toContain("c2VjcmV0");
  });
});
