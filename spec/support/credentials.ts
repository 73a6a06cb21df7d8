import { CommunicationTokenCredential } from "../../lib/index.js";
import { useFakeTime } from "./fakeTime.js";

/**
 * A random source that always picks the latest moment of the proactive-refresh spread (C11): 10
 * minutes before expiry, the moment every Azure SDK uses. Specs about the spread itself pass their own.
 */
export const latestInSpread = (): number => 1;

/**
 * Sets up fake time for each test of the enclosing describe, and returns a factory whose credentials
 * are disposed after each test, so no schedule leaks from one test into the next. Refresher credentials
 * get `random: latestInSpread` unless the test gives a random source, so that schedule assertions can
 * name exact moments.
 */
export function credentialsOnFakeTime() {
  const created: CommunicationTokenCredential[] = [];
  beforeEach(useFakeTime);
  afterEach(() => {
    created.splice(0).forEach((credential) => credential.dispose());
    jest.useRealTimers();
  });
  return (...args: ConstructorParameters<typeof CommunicationTokenCredential>): CommunicationTokenCredential => {
    const [options] = args;
    const withRandom =
      typeof options === "object" && options !== null && "tokenRefresher" in options && options.random === undefined
        ? { ...options, random: latestInSpread }
        : options;
    const credential = new CommunicationTokenCredential(withRandom);
    created.push(credential);
    return credential;
  };
}
