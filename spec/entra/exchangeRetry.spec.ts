import { exchangeRetryPlan, isRetriableStatus } from "../../lib/entra/exchangeRetry.js";

// The exchange's own rules; the wait's formula is support/backoff.ts's, its Retry-After reader
// support/retryAfter.ts's and its loop support/retryLoop.ts's, each with its own spec.
describe("A5: exchange retries", () => {
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

  it("retries three times, 1 s doubling, and waits what Retry-After asks as given", () => {
    const random = () => 0.5;
    expect(exchangeRetryPlan(random)).toMatchObject({
      maxRetries: 3,
      initialDelayMs: 1_000,
      retryAfter: "asAsked",
      random,
    });
  });
});
