import { DEFAULT_SCOPES, exchangeTargetFor } from "../../lib/entra/exchangeTarget.js";

const entra = { path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-03-02-preview" };
const teams = { path: "/access/teamsExtension/:exchangeAccessToken", apiVersion: "2025-06-30" };

describe("Entra exchange endpoint selection (as the JS and .NET SDKs choose it)", () => {
  it.each<[string[], typeof entra]>([
    [[...DEFAULT_SCOPES], entra],
    [["https://communication.azure.com/clients/VoIP"], entra],
    [["https://communication.azure.com/clients/VoIP", "https://communication.azure.com/clients/Chat"], entra],
    [["https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls"], teams],
    [["https://auth.msft.communication.azure.us/TeamsExtension.ManageCalls"], teams],
    [["HTTPS://AUTH.MSFT.COMMUNICATION.AZURE.COM/TeamsExtension.ManageCalls"], teams],
  ])("%p → %p", (scopes, target) => {
    expect(exchangeTargetFor(scopes)).toEqual(target);
  });

  it("the default scope is the Communication clients' .default", () => {
    expect(DEFAULT_SCOPES).toEqual(["https://communication.azure.com/clients/.default"]);
  });

  it.each<[string, unknown]>([
    ["empty", []],
    [
      "mixed (VoIP, TeamsExt)",
      [
        "https://communication.azure.com/clients/VoIP",
        "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls",
      ],
    ],
    [
      "mixed (TeamsExt, VoIP)",
      [
        "https://auth.msft.communication.azure.com/TeamsExtension.ManageCalls",
        "https://communication.azure.com/clients/VoIP",
      ],
    ],
    ["unknown", ["https://contoso.com/clients/unknown"]],
    ["invalidScope", ["invalidScope"]],
    ["an empty scope", [""]],
    ["not an array", "https://communication.azure.com/clients/VoIP"],
    ["non-strings", [42]],
  ])("%s scopes → TypeError 'Scopes validation failed. Ensure all scopes start with either …'", (_, scopes) => {
    expect(() => exchangeTargetFor(scopes)).toThrow(TypeError);
    expect(() => exchangeTargetFor(scopes)).toThrow(
      /^Scopes validation failed\..*Ensure all scopes start with either https:\/\/auth\.msft\.communication\.azure\.com\//,
    );
  });
});
