import { retryAfterMs } from "../../lib/support/retryAfter.js";

// The one reader of Retry-After and its Azure millisecond cousins, for tokenEndpoint (C27, C29) and
// the Entra exchange (A5).
const NOW = Date.parse("2026-01-01T09:00:00Z");
const httpDate = (at: number): string => new Date(at).toUTCString();
const read = (headers: Record<string, string>, now = NOW) => retryAfterMs(new Headers(headers), now);

describe("C27, C29, A5: retryAfterMs reads what an answer asks for", () => {
  it.each<[string, Record<string, string>, number | undefined]>([
    ["Retry-After in seconds", { "retry-after": "3" }, 3_000],
    ["Retry-After 0", { "retry-after": "0" }, 0],
    ["seconds with white space", { "retry-after": " 5 " }, 5_000],
    ["retry-after-ms", { "retry-after-ms": "2500" }, 2_500],
    ["x-ms-retry-after-ms", { "x-ms-retry-after-ms": "4000" }, 4_000],
    [
      "retry-after-ms before x-ms-retry-after-ms and Retry-After",
      { "retry-after-ms": "1", "x-ms-retry-after-ms": "2", "retry-after": "3" },
      1,
    ],
    [
      "an unreadable retry-after-ms falls through to Retry-After",
      { "retry-after-ms": "soon", "retry-after": "2" },
      2_000,
    ],
    ["an HTTP date, from now without a Date header", { "retry-after": httpDate(NOW + 45_000) }, 45_000],
    ["an RFC 850 date", { "retry-after": "Thursday, 01-Jan-26 09:01:00 GMT" }, 60_000],
    ["a date already past: no wait", { "retry-after": httpDate(NOW - 60_000) }, 0],
    ["a fraction, which is neither form", { "retry-after": "1.5" }, undefined],
    ["a negative number", { "retry-after": "-5" }, undefined],
    ["seconds beyond any clock", { "retry-after": "9".repeat(30) }, undefined],
    ["a date without a time of day, which Date.parse would read", { "retry-after": "Thu, 01 Jan 2026" }, undefined],
    ["text", { "retry-after": "soon" }, undefined],
    ["an empty header", { "retry-after": "" }, undefined],
    ["no header at all", {}, undefined],
  ])("%s", (_, headers, expected) => {
    expect(read(headers)).toBe(expected);
  });

  it("a date is measured from the answer's own Date: a server clock an hour ahead asks for the 20 s it means", () => {
    const serverNow = NOW + 3_600_000;
    expect(read({ "retry-after": httpDate(serverNow + 20_000), date: httpDate(serverNow) })).toBe(20_000);
  });

  it("a cached answer's Date (with an Age header) is no server now: the date is measured from this machine's", () => {
    const headers = { "retry-after": httpDate(NOW + 20_000), date: httpDate(NOW - 3_600_000), age: "3600" };
    expect(read(headers)).toBe(20_000);
  });

  it("a Date header that is not IMF-fixdate is no server now either", () => {
    expect(read({ "retry-after": httpDate(NOW + 20_000), date: "1" })).toBe(20_000);
  });
});
