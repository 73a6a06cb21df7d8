import { firstValueFrom } from "rxjs";
import type { EntraTokenCredential } from "../../lib/index.js";
import { survivorsAfterGc } from "../support/collectGarbage.js";
import { advance, useFakeTime } from "../support/fakeTime.js";
import { HOUR, jwtValidFor } from "../support/tokens.js";

// C24: a credential that its user has let go of is garbage, whatever it was used for. The process-wide
// schedule (time/schedule.ts) holds the credentials it must wake up strongly, so a credential left
// in it by mistake is never collected: a service making a credential per request would grow without
// bound. Each case below uses thousands of credentials one way, drops them, runs the garbage
// collector and counts what is left, through WeakRefs to the credential and to what only its engine
// holds (its refresher, its token, its state). Fake timers stand for the schedule's one timer: it is
// set while the schedule holds anything and cleared when it is empty, so `jest.getTimerCount()` shows
// whether the schedule still holds some of them. Each test loads the library afresh, so that what
// one case leaves in the schedule does not show in the next.

const COUNT = 2_000;
// Thousands of credentials and full garbage collections take a few seconds; a busy machine must not
// turn that into a failure.
jest.setTimeout(30_000);

/** A refresher of its own for each credential: only that credential's engine holds it. */
const newRefresher = () => async () => jwtValidFor(HOUR);

/** The ACS exchange's answer, without a socket: a token for an hour. */
const exchangeFetch = async (): Promise<Response> => {
  const accessToken = { token: jwtValidFor(HOUR), expiresOn: new Date(Date.now() + HOUR).toISOString() };
  const body = JSON.stringify({ identity: { id: "8:acs:user" }, accessToken });
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
};

type Library = typeof import("../../lib/index.js");

/**
 * The library with module state of its own (its schedule), as if no other test had run. The test
 * holds it until the end, as a process holds the modules it loaded: module state that nothing can
 * reach any more would be collected with everything in it, and hide a leak.
 */
function freshLibrary(): Library {
  let library: Library | undefined;
  jest.isolateModules(() => {
    library = require("../../lib/index.js") as Library;
  });
  return library as Library;
}

/**
 * What to watch of one credential: the credential itself, and what only its engine holds — its
 * refresher (or Entra credential) and the token or state it handed out. The public object alone
 * would not do: the schedule holds the engine behind it, not the object the user sees.
 */
interface Watched {
  readonly credential: object;
  readonly source?: object;
  readonly handedOut: object;
}

/** One way of using a credential: it returns what to watch, and keeps none of it. */
type Use = (library: Library) => Promise<Watched>;

const uses: [string, Use][] = [
  [
    "(a) awaited getToken() on a refresher credential (not proactive)",
    async ({ CommunicationTokenCredential }) => {
      const tokenRefresher = newRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      return { credential, source: tokenRefresher, handedOut: await credential.getToken() };
    },
  ],
  [
    "(b) one look at state$ while it holds a valid one-hour token",
    async ({ CommunicationTokenCredential }) => {
      const tokenRefresher = newRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher, token: jwtValidFor(HOUR) });
      const state = await firstValueFrom(credential.state$);
      if (state.status !== "ready") throw new Error(`expected a ready state holding the token, got ${state.status}`);
      return { credential, source: tokenRefresher, handedOut: state };
    },
  ],
  [
    "(c) a token$ subscriber that got its token and left",
    async ({ CommunicationTokenCredential }) => {
      const tokenRefresher = newRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher });
      const token = firstValueFrom(credential.token$);
      await advance(0); // the schedule starts the refresh its subscriber asked for
      return { credential, source: tokenRefresher, handedOut: await token };
    },
  ],
  [
    "(d) getToken() on a static token credential",
    async ({ CommunicationTokenCredential }) => {
      const credential = new CommunicationTokenCredential(jwtValidFor(HOUR));
      return { credential, handedOut: await credential.getToken() };
    },
  ],
  [
    "(e) dispose() after getToken() on a proactive credential",
    async ({ CommunicationTokenCredential }) => {
      const tokenRefresher = newRefresher();
      const credential = new CommunicationTokenCredential({ tokenRefresher, refreshProactively: true });
      const token = await credential.getToken();
      credential.dispose();
      return { credential, source: tokenRefresher, handedOut: token };
    },
  ],
  [
    "(f) two getToken() calls on an Entra ID credential (each looks at its own state$)",
    async ({ CommunicationTokenCredential }) => {
      const tokenCredential: EntraTokenCredential = {
        getToken: async () => ({ token: "entraToken", expiresOnTimestamp: Date.now() + HOUR }),
      };
      const credential = new CommunicationTokenCredential({
        resourceEndpoint: "https://contoso.communication.azure.com",
        tokenCredential,
        fetch: exchangeFetch,
      });
      await credential.getToken(); // exchanges
      const token = await credential.getToken(); // asks Entra whether the user changed, holding a valid token
      return { credential, source: tokenCredential, handedOut: token };
    },
  ],
];

type Kind = keyof Watched;

/** Uses `COUNT` credentials one at a time as `use` says, and returns weak references to what it watched. */
async function useMany(use: Use, library: Library): Promise<Record<Kind, WeakRef<object>[]>> {
  const refs: Record<Kind, WeakRef<object>[]> = { credential: [], source: [], handedOut: [] };
  for (let index = 0; index < COUNT; index++) {
    const watched = await use(library);
    for (const kind of Object.keys(watched) as Kind[]) refs[kind].push(new WeakRef(watched[kind] as object));
  }
  return refs;
}

describe("C24: a dropped credential leaves nothing behind (WeakRefs after a forced garbage collection)", () => {
  let library: Library;
  beforeEach(() => {
    useFakeTime();
    library = freshLibrary();
  });
  afterEach(() => jest.useRealTimers());

  it.each(uses)("C24: a dropped credential leaves nothing behind: %s", async (_, use) => {
    const refs = await useMany(use, library);
    expect(refs.credential).toHaveLength(COUNT);
    const scheduleTimers = jest.getTimerCount(); // 0: the schedule holds none of them, so its timer is gone
    const left = await survivorsAfterGc(refs);
    expect({ scheduleTimers, left }).toEqual({ scheduleTimers: 0, left: { credential: 0, source: 0, handedOut: 0 } });
  });

  // What the cases above rely on: the schedule's timer shows that it holds a credential.
  it("C24: a credential watched through state$ is in the schedule (its token's expiry) until the watcher leaves", async () => {
    const { CommunicationTokenCredential } = library;
    const credential = new CommunicationTokenCredential({ tokenRefresher: newRefresher(), token: jwtValidFor(HOUR) });
    const subscription = credential.state$.subscribe();
    expect(jest.getTimerCount()).toBe(1);
    subscription.unsubscribe();
    expect(jest.getTimerCount()).toBe(0);
  });
});
