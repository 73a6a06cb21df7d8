import { DEFAULT_SCOPES, exchangeTargetFor } from "../../lib/entra/exchangeTarget.js";
import { exchangeRetryDelayMs, isRetriableStatus } from "../../lib/entra/exchangeRetry.js";

const entra = { path: "/access/entra/:exchangeAccessToken", apiVersion: "2025-03-02-preview" };
const teams = { path: "/access/teamsExtension/:exchangeAccessToken", apiVersion: "2025-06-30" };

describe("Entra exchange endpoint selection (acs-anchors §1.4, §2.4)", () => {
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

describe("exchange retries", () => {
  it.each([
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
  ])("status %i is retried: %p", (status, retried) => {
    expect(isRetriableStatus(status)).toBe(retried);
  });

  it("waits what Retry-After asks, in seconds or as an HTTP date, else 1 s doubling", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(exchangeRetryDelayMs("0", 1, now)).toBe(0);
    expect(exchangeRetryDelayMs("2", 1, now)).toBe(2_000);
    expect(exchangeRetryDelayMs("Thu, 01 Jan 2026 00:00:05 GMT", 1, now)).toBe(5_000);
    expect(exchangeRetryDelayMs("Wed, 31 Dec 2025 23:00:00 GMT", 1, now)).toBe(0);
    expect([1, 2, 3].map((attempt) => exchangeRetryDelayMs(null, attempt, now))).toEqual([1_000, 2_000, 4_000]);
    expect(exchangeRetryDelayMs("soon", 2, now)).toBe(2_000);
  });
});
