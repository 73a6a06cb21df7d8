/**
 * Stampedes, on virtual time (@sinonjs/fake-timers drives setTimeout and Date for both libraries;
 * `clock.tickAsync` lets promises settle after every timer). A token refresher that answers at once
 * records when it was called; the figure is the most calls started in any one second (a sliding
 * window, as the limiter counts).
 * - expiry: N proactive credentials hold tokens that all expire in one hour; time runs to a minute
 *   past that expiry, through every refresh.
 * - startup: N proactive credentials without a token, each asked getToken() once; time runs until
 *   every call has settled.
 */
import FakeTimers from "@sinonjs/fake-timers";
import { CommunicationTokenCredential, createRefreshLimiter, type RefreshLimiter } from "../build/esm/index.js";
import { createCredential, jwt, type Contender, type Credential } from "./compare.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const LIMITS = { maxConcurrent: 50, perSecond: 100 };

export type Setup = { contender: Contender; limited: boolean; count: number };
export interface StampedeResult {
  busiestSecond: number;
  calls: number;
  /** getToken calls (startup only) that had not resolved with a token when time ran out. */
  unresolved: number;
  /** How long before the tokens' expiry the last refresher call started (expiry only). */
  lastCallBeforeExpiryMs: number;
}

/** The most entries of `times` within any 1000 ms interval, closed at its start and open at its end. */
export function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= 1_000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

function create(
  contender: Contender,
  refreshLimiter: RefreshLimiter | undefined,
  tokenRefresher: () => Promise<string>,
  token: string | undefined,
): Credential {
  const options = { tokenRefresher, token, refreshProactively: true };
  if (refreshLimiter === undefined) return createCredential(contender, options);
  if (contender === "azure") throw new Error("the Azure SDK has no refresh limiter");
  return new CommunicationTokenCredential({ ...options, refreshLimiter });
}

/** One scenario: credentials created at a fake "now", then virtual time run through it. */
export async function stampede(kind: "expiry" | "startup", setup: Setup): Promise<StampedeResult> {
  const clock = FakeTimers.install({
    now: Date.UTC(2026, 0, 1),
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  const limiter = setup.limited ? createRefreshLimiter(LIMITS) : undefined;
  const calls: number[] = [];
  const tokenRefresher = () => {
    calls.push(Date.now());
    return Promise.resolve(jwt(24 * HOUR));
  };
  const expiresAt = Date.now() + HOUR;
  const token = kind === "expiry" ? jwt(HOUR) : undefined;
  const held = Array.from({ length: setup.count }, () => create(setup.contender, limiter, tokenRefresher, token));
  let resolved = 0;
  if (kind === "startup")
    held.forEach((credential) =>
      credential.getToken().then(
        () => resolved++,
        () => {},
      ),
    );
  // Startup through a limiter takes count / perSecond seconds.
  const startupMs = setup.limited ? (setup.count / LIMITS.perSecond) * 1_000 + MINUTE : MINUTE;
  await clock.tickAsync(kind === "expiry" ? HOUR + MINUTE : startupMs);
  held.forEach((credential) => credential.dispose());
  clock.reset(); // the fake clock keeps its timer list after uninstall
  clock.uninstall();
  return {
    busiestSecond: busiestSecond(calls),
    calls: calls.length,
    unresolved: kind === "startup" ? setup.count - resolved : 0,
    lastCallBeforeExpiryMs: expiresAt - calls.reduce((latest, at) => Math.max(latest, at), -Infinity),
  };
}
