/**
 * The soak: a credential with proactive refresh and 1-hour tokens lives through simulated days on
 * fake timers, with many consumers, while its refresher misbehaves at random. It checks the
 * invariants of the contract as it goes and returns a summary. Seeded: a failure replays exactly.
 */
import FakeTimers from "@sinonjs/fake-timers";
import { CommunicationTokenCredential, type AccessToken } from "../lib/index.js";
import { seededRandom } from "../spec/support/seededRandom.js";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const REFRESH_TIMEOUT_MS = 30 * SECOND;
const FAULT_PROBABILITY = 0.3;

export type FaultKind = "throws" | "rejects" | "hangs" | "expired" | "garbage" | "slow";
const FAULTS: FaultKind[] = ["throws", "rejects", "hangs", "expired", "garbage", "slow"];

export interface SoakSummary {
  seed: number;
  days: number;
  refresherCalls: number;
  refresherCallBound: number;
  faultsInjected: Record<FaultKind, number>;
  getTokenCalls: number;
  getTokenRejected: number;
  waited: number;
  longestWaitMs: number;
  refreshCalls: number;
  tokenSubscriptions: number;
  expiredHandedOut: number;
  unsettledCalls: number;
  unhandled: number;
  timersAfterDispose: number;
  violations: string[];
  /** Tells whether the disposed credential has been garbage-collected (after the caller runs gc). */
  credentialCollected: () => boolean;
  /**
   * Names what its engine held that is still in memory (after the caller runs gc): its refresher and
   * the last token it handed out. The process-wide schedule holds the engine, not the credential, so
   * the credential alone can be collected while its engine stays pinned.
   */
  engineHeldSurvivors: () => EngineHeld[];
}

/** What only the credential's engine holds, watched after dispose. */
export type EngineHeld = "refresher" | "last token handed out";

function jwt(expiresAtMs: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256" })}.${part({ exp: expiresAtMs / 1000 })}.c2ln`;
}

/** Tells later whether `target` has been collected; outside runSoak, so its closure holds nothing else. */
function collectedProbe(target: object): () => boolean {
  const reference = new WeakRef(target);
  return () => reference.deref() === undefined;
}

/** Names later those of `targets` not collected; outside runSoak, so its closure holds nothing else. */
function survivorsProbe<K extends string>(targets: Record<K, object | undefined>): () => K[] {
  const references = Object.entries(targets).flatMap(([name, target]) =>
    target === undefined ? [] : [[name as K, new WeakRef(target as object)] as const],
  );
  return () => references.filter(([, reference]) => reference.deref() !== undefined).map(([name]) => name);
}

/**
 * The refresher: right most of the time, otherwise one of the faults, drawn from `random`, counted in
 * `summary`. Made outside runSoak, so that it holds nothing of the soak (the credential among it): the
 * soak watches it after dispose, and it must tell only whether the engine that holds it is garbage.
 */
function misbehavingRefresher(random: () => number, summary: SoakSummary): () => Promise<string> | string {
  const between = (low: number, high: number) => low + random() * (high - low);
  return (): Promise<string> | string => {
    summary.refresherCalls += 1;
    const fault = random() < FAULT_PROBABILITY ? FAULTS[Math.floor(random() * FAULTS.length)] : undefined;
    if (fault !== undefined) summary.faultsInjected[fault] += 1;
    const settleAfter = (ms: number, value: () => string) =>
      new Promise<string>((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(value());
          } catch (error) {
            reject(error);
          }
        }, ms),
      );
    switch (fault) {
      case "throws":
        throw new Error("refresher threw");
      case "rejects":
        return settleAfter(between(10, 2_000), () => {
          throw new Error("token server down");
        });
      case "hangs":
        return new Promise<string>(() => {}); // ignores its signal
      case "expired":
        return settleAfter(between(10, 500), () => jwt(Date.now() - between(1, 10) * MINUTE));
      case "garbage":
        return settleAfter(between(10, 500), () => [" ", null, 42, {}][Math.floor(random() * 4)] as string);
      case "slow":
        return settleAfter(between(5, 45) * SECOND, () => jwt(Date.now() + HOUR)); // may outlive the timeout
      default:
        return settleAfter(between(10, 500), () => jwt(Date.now() + HOUR));
    }
  };
}

/** Runs the soak for `days` simulated days from `seed`. */
export async function runSoak({ days, seed }: { days: number; seed: number }): Promise<SoakSummary> {
  // The refresh pipeline is a chunk loaded on import (a real file read): one real refresh first, so
  // that it is there before the fake clock starts, and a seed replays the run exactly.
  const warmUp = new CommunicationTokenCredential({ tokenRefresher: () => jwt(Date.now() + HOUR) });
  await warmUp.getToken();
  warmUp.dispose();
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + random() * (high - low);
  const clock = FakeTimers.install({
    now: Date.UTC(2026, 0, 1),
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
  });
  const realRandom = Math.random;
  Math.random = random; // the retry jitter draws from the seed too
  let unhandled = 0;
  const onUnhandled = () => (unhandled += 1);
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);

  const summary: SoakSummary = {
    seed,
    days,
    refresherCalls: 0,
    refresherCallBound: 0,
    faultsInjected: { throws: 0, rejects: 0, hangs: 0, expired: 0, garbage: 0, slow: 0 },
    getTokenCalls: 0,
    getTokenRejected: 0,
    waited: 0,
    longestWaitMs: 0,
    refreshCalls: 0,
    tokenSubscriptions: 0,
    expiredHandedOut: 0,
    unsettledCalls: 0,
    unhandled: 0,
    timersAfterDispose: 0,
    violations: [],
    credentialCollected: () => false,
    engineHeldSurvivors: () => [],
  };
  let callsWithoutFreshToken = 0;
  let pending = 0;

  const tokenRefresher = misbehavingRefresher(random, summary);

  const credential = new CommunicationTokenCredential({
    tokenRefresher,
    refreshProactively: true,
    refreshTimeoutMs: REFRESH_TIMEOUT_MS,
  });
  let latest: AccessToken | undefined;
  credential.state$.subscribe((state) => (latest = "token" in state ? state.token : undefined));
  let lastHandedOut: AccessToken | undefined;

  const checkToken = (token: AccessToken, who: string) => {
    lastHandedOut = token;
    if (token.expiresOnTimestamp <= Date.now()) {
      summary.expiredHandedOut += 1;
      summary.violations.push(`${who} got a token expired at ${new Date(token.expiresOnTimestamp).toISOString()}`);
    }
  };

  const observe = (promise: Promise<AccessToken>, who: string) => {
    const startedAt = Date.now();
    pending += 1;
    const settle = () => {
      pending -= 1;
      const wait = Date.now() - startedAt;
      if (wait > 0) summary.waited += 1;
      summary.longestWaitMs = Math.max(summary.longestWaitMs, wait);
    };
    promise.then(
      (token) => {
        settle();
        checkToken(token, who);
      },
      () => {
        settle();
        if (who === "getToken") summary.getTokenRejected += 1;
      },
    );
  };

  // Consumers, each a self-rescheduling fake timer.
  const stops: (() => void)[] = [];
  const every = (meanMs: number, action: () => void) => {
    let timer: ReturnType<typeof setTimeout>;
    const next = () => {
      timer = setTimeout(
        () => {
          action();
          next();
        },
        -Math.log(1 - random()) * meanMs,
      );
    };
    next();
    stops.push(() => clearTimeout(timer));
  };
  every(3 * MINUTE, () => {
    summary.getTokenCalls += 1;
    const fresh = latest !== undefined && latest.expiresOnTimestamp - Date.now() > 2 * MINUTE;
    if (!fresh) callsWithoutFreshToken += 1;
    observe(credential.getToken(), "getToken");
  });
  every(2 * HOUR, () => {
    summary.refreshCalls += 1; // as after a 401
    observe(credential.refresh(), "refresh");
  });
  every(30 * MINUTE, () => {
    summary.tokenSubscriptions += 1;
    const subscription = credential.token$.subscribe((token) => checkToken(token, "token$"));
    const timer = setTimeout(() => subscription.unsubscribe(), between(1, 120) * MINUTE);
    stops.push(() => (clearTimeout(timer), subscription.unsubscribe()));
  });

  const duration = days * DAY;
  for (let elapsed = 0; elapsed < duration; elapsed += HOUR) await clock.tickAsync(Math.min(HOUR, duration - elapsed));
  const stopAt = Date.now();
  await clock.tickAsync(REFRESH_TIMEOUT_MS + SECOND); // calls started near the end settle too
  summary.unsettledCalls = pending;

  // Derived bound: background refreshes come at most once per 50 minutes of token life, plus one
  // retry per failed call; each refresh() and each getToken without a fresh token may start a call.
  const failures = Object.values(summary.faultsInjected).reduce((sum, count) => sum + count, 0);
  summary.refresherCallBound =
    Math.ceil((stopAt - Date.UTC(2026, 0, 1) + REFRESH_TIMEOUT_MS) / (50 * MINUTE)) +
    summary.refreshCalls +
    failures +
    callsWithoutFreshToken +
    1;

  // After dispose nothing runs: no refresher call, and once the refresher's own pending answers have
  // come in, no timer at all.
  stops.forEach((stop) => stop());
  credential.dispose();
  summary.credentialCollected = collectedProbe(credential);
  summary.engineHeldSurvivors = survivorsProbe<EngineHeld>({
    refresher: tokenRefresher,
    "last token handed out": lastHandedOut,
  });
  const callsAtDispose = summary.refresherCalls;
  await clock.tickAsync(DAY);
  summary.timersAfterDispose = clock.countTimers();
  if (summary.refresherCalls !== callsAtDispose) summary.violations.push("the refresher was called after dispose");
  if (summary.timersAfterDispose > 0)
    summary.violations.push(`${summary.timersAfterDispose} timers left after dispose`);
  clock.reset(); // the fake clock keeps its timer list, with the consumers in it, after uninstall
  clock.uninstall();
  Math.random = realRandom;
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  await new Promise((resolve) => setImmediate(resolve));
  summary.unhandled = unhandled;

  if (summary.unhandled > 0) summary.violations.push(`${summary.unhandled} unhandled rejections or uncaught errors`);
  if (summary.unsettledCalls > 0) summary.violations.push(`${summary.unsettledCalls} calls never settled`);
  if (summary.longestWaitMs > REFRESH_TIMEOUT_MS)
    summary.violations.push(`a call waited ${summary.longestWaitMs} ms, more than refreshTimeoutMs`);
  if (summary.refresherCalls > summary.refresherCallBound)
    summary.violations.push(`${summary.refresherCalls} refresher calls exceed the bound ${summary.refresherCallBound}`);
  return summary;
}
