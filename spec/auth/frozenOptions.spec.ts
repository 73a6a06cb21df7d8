import { createAuthenticatedFetch, InsecureConnectionError, type AuthenticatedFetchOptions } from "../../lib/index.js";

// C2, A1 (issue 22, item 2): createAuthenticatedFetch keeps the options it checked. Each is read once,
// protectedResources is copied entry by entry, and nothing is read from the caller's objects again:
// changing them, or pushing to the array, after the fetch is made changes nothing.

const ACS = "https://contoso.communication.azure.com";
const TOKEN = "the-users-acs-token";

const tokenCredential = {
  getToken: jest.fn(async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 })),
};

/** A fetch that answers 200 and records the Authorization header of each request it is given. */
function recordingFetch() {
  const sent: { url: string; authorization: string | null }[] = [];
  const fetch = jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({ url: request.url, authorization: request.headers.get("authorization") });
    return new Response("{}", { status: 200 });
  });
  return { fetch, sent };
}

describe("C2, A1: createAuthenticatedFetch keeps the options it checked", () => {
  it("A1: pushing to protectedResources, or changing the options object, after the fetch is made changes nothing", async () => {
    const { fetch, sent } = recordingFetch();
    const evil = recordingFetch();
    const protectedResources = [ACS];
    const options: AuthenticatedFetchOptions = { fetch, protectedResources };
    const acsFetch = createAuthenticatedFetch(tokenCredential, options);

    protectedResources.push("https://evil.example", "http://evil.example");
    options.protectedResources = ["https://evil.example"];
    options.fetch = evil.fetch;
    options.allowInsecureConnection = true;

    await acsFetch("https://evil.example/collect");
    await acsFetch("http://evil.example/collect");
    await acsFetch(`${ACS}/chat/threads`);
    expect(evil.fetch).not.toHaveBeenCalled();
    expect(sent).toEqual([
      { url: "https://evil.example/collect", authorization: null },
      { url: "http://evil.example/collect", authorization: null },
      { url: `${ACS}/chat/threads`, authorization: `Bearer ${TOKEN}` },
    ]);
  });

  it("C2: each option is read once", () => {
    const { fetch } = recordingFetch();
    const reads = new Map<string, number>();
    const options = new Proxy<AuthenticatedFetchOptions>(
      { fetch, protectedResources: [ACS], allowInsecureConnection: false },
      {
        get(target, name, receiver) {
          if (typeof name === "string") reads.set(name, (reads.get(name) ?? 0) + 1);
          return Reflect.get(target, name, receiver) as unknown;
        },
      },
    );
    createAuthenticatedFetch(tokenCredential, options);
    expect([...reads].filter(([, count]) => count > 1).map(([name]) => name)).toEqual([]);
  });

  it("A1: an allowInsecureConnection getter cannot lift the https rule after it was checked", async () => {
    const { fetch, sent } = recordingFetch();
    let reads = 0;
    const options = {
      fetch,
      get allowInsecureConnection() {
        reads += 1;
        return reads === 1 ? undefined : "yes";
      },
    } as unknown as AuthenticatedFetchOptions;
    const acsFetch = createAuthenticatedFetch(tokenCredential, options);
    await expect(acsFetch("http://evil.example/collect")).rejects.toBeInstanceOf(InsecureConnectionError);
    expect(sent).toEqual([]);
  });

  it("A1: a protectedResources entry is read once: the entry checked for https is the one the matcher keeps", () => {
    const protectedResources: string[] = [];
    let reads = 0;
    Object.defineProperty(protectedResources, 0, {
      enumerable: true,
      get: () => (++reads === 1 ? "http://evil.example" : ACS),
    });
    expect(() => createAuthenticatedFetch(tokenCredential, { protectedResources })).toThrow(
      /protectedResources\[0\] is http:\/\/evil\.example/,
    );
  });
});
