import { CommunicationTokenCredential, type EntraCommunicationTokenCredentialOptions } from "../../lib/index.js";
import { exchanged, fakeEntraCredential, scriptedFetch } from "../support/exchangeServer.js";

const HOUR = 3_600_000;
const VOIP = "https://communication.azure.com/clients/VoIP";
const TEAMS = "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls";

// C2, A1 (issue 22, item 2): what the constructor checked is what the exchange uses. The exchange's
// code is loaded at the first getToken; it must not read the caller's options object again then.
describe("C2, A1: an Entra ID credential keeps the options it checked", () => {
  const credentials: CommunicationTokenCredential[] = [];
  afterEach(() => credentials.splice(0).forEach((credential) => credential.dispose()));

  it("A1: changing resourceEndpoint, scopes, fetch or tokenCredential after construction changes nothing", async () => {
    const { fetch } = scriptedFetch(exchanged("acsToken", Date.now() + HOUR));
    const evil = scriptedFetch(exchanged("evilToken", Date.now() + HOUR));
    const tokenCredential = fakeEntraCredential();
    const otherCredential = fakeEntraCredential("otherEntraToken");
    const scopes = [VOIP];
    const options: EntraCommunicationTokenCredentialOptions = {
      resourceEndpoint: "https://contoso.communication.azure.com",
      tokenCredential,
      scopes,
      fetch,
      hedgeAfterMs: false,
    };
    const credential = new CommunicationTokenCredential(options);
    credentials.push(credential);

    options.resourceEndpoint = "http://evil.example";
    options.allowInsecureConnection = true;
    scopes[0] = TEAMS;
    options.scopes = [TEAMS];
    options.fetch = evil.fetch;
    options.tokenCredential = otherCredential;

    expect((await credential.getToken()).token).toBe("acsToken");
    expect(evil.fetch).not.toHaveBeenCalled();
    expect(otherCredential.getToken).not.toHaveBeenCalled();
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url] = fetch.mock.calls[0] ?? [];
    expect(String(url)).toMatch(/^https:\/\/contoso\.communication\.azure\.com\/access\/entra\/:exchangeAccessToken\?/);
    expect(tokenCredential.getToken).toHaveBeenCalledWith([VOIP], expect.anything());
  });

  it("C2: each option is read once, so a getter cannot hand the exchange another endpoint than the one checked", async () => {
    const { fetch } = scriptedFetch(exchanged("acsToken", Date.now() + HOUR));
    const reads = new Map<string, number>();
    const endpoints = ["https://contoso.communication.azure.com", "http://evil.example"];
    const options = new Proxy(
      { tokenCredential: fakeEntraCredential(), scopes: [VOIP], fetch, hedgeAfterMs: false as const },
      {
        get(target, name, receiver) {
          if (typeof name === "string") reads.set(name, (reads.get(name) ?? 0) + 1);
          if (name === "resourceEndpoint") return endpoints[Math.min((reads.get(name) ?? 1) - 1, 1)];
          return Reflect.get(target, name, receiver) as unknown;
        },
        has: (target, name) => name === "resourceEndpoint" || name in target,
        ownKeys: (target) => [...Reflect.ownKeys(target), "resourceEndpoint"],
        getOwnPropertyDescriptor: (target, name) =>
          name === "resourceEndpoint"
            ? { configurable: true, enumerable: true, writable: true, value: endpoints[0] }
            : Reflect.getOwnPropertyDescriptor(target, name),
      },
    ) as unknown as EntraCommunicationTokenCredentialOptions;
    const credential = new CommunicationTokenCredential(options);
    credentials.push(credential);
    await credential.getToken();
    expect(String(fetch.mock.calls[0]?.[0])).toMatch(/^https:\/\/contoso\.communication\.azure\.com\//);
    expect(reads.get("resourceEndpoint")).toBe(1);
    expect(reads.get("scopes")).toBe(1);
  });
});
