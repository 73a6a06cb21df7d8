import fc from "fast-check";
import { jitteredBackoffMs, type BackoffDraw } from "../../lib/support/backoff.js";

// The one backoff formula: C13's background retries draw from initialDelayMs to the doubling cap,
// C29's and A5's retries inside a refresh from half of it.
const insideRefresh = (attempt: number, random: () => number, maxDelayMs = 10_000): BackoffDraw => ({
  attempt,
  initialDelayMs: 1_000,
  maxDelayMs,
  floor: "half",
  random,
});
const background = (attempt: number, random: () => number): BackoffDraw => ({
  attempt,
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  floor: "initialDelay",
  random,
});

describe("jitteredBackoffMs: one formula for every retry", () => {
  it.each([
    [0, [500, 1_000, 2_000, 4_000, 5_000]],
    [0.5, [750, 1_500, 3_000, 6_000, 7_500]],
    [1, [1_000, 2_000, 4_000, 8_000, 10_000]],
  ])("C29, A5: random %d: retries 1 to 5 wait %j (½–1 × min(1 000 × 2^(n−1), 10 000))", (draw, waits) => {
    expect([1, 2, 3, 4, 5].map((attempt) => jitteredBackoffMs(insideRefresh(attempt, () => draw)))).toEqual(waits);
  });

  it.each([
    [0, [1_000, 1_000, 1_000, 1_000, 1_000]],
    [0.5, [1_000, 1_500, 2_500, 4_500, 30_500]],
    [1, [1_000, 2_000, 4_000, 8_000, 60_000]],
  ])(
    "C13: random %d: background retries 1, 2, 3, 4 and 20 wait %j (initialDelayMs to the doubling cap)",
    (draw, waits) => {
      expect([1, 2, 3, 4, 20].map((attempt) => jitteredBackoffMs(background(attempt, () => draw)))).toEqual(waits);
    },
  );

  it.each<[string, () => number]>([
    ["NaN", () => Number.NaN],
    ["a number above 1", () => 7],
    ["a negative number", () => -0.25],
    ["Infinity", () => Number.POSITIVE_INFINITY],
    ["undefined", () => undefined as unknown as number],
    [
      "a throw",
      () => {
        throw new Error("random broke");
      },
    ],
  ])("C13, C29: a random source answering %s gives the middle of the range, never NaN", (_, random) => {
    expect(jitteredBackoffMs(insideRefresh(2, random))).toBe(1_500);
    expect(jitteredBackoffMs(background(4, random))).toBe(4_500);
  });

  it("C13, C29: whatever the draw, every wait is a whole number of milliseconds between its floor and its ceiling", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double()),
        fc.constantFrom<BackoffDraw["floor"]>("half", "initialDelay"),
        (attempt, initialDelayMs, extra, draw, floor) => {
          const maxDelayMs = initialDelayMs + extra;
          const wait = jitteredBackoffMs({ attempt, initialDelayMs, maxDelayMs, floor, random: () => draw });
          const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
          const lowest = floor === "half" ? ceiling / 2 : initialDelayMs;
          return Number.isInteger(wait) && wait >= lowest && wait <= ceiling;
        },
      ),
    );
  });
});
