import { CommunicationTokenCredential } from "../../lib/index.js";
import { useFakeTime } from "./fakeTime.js";

/**
 * Sets up fake time for each test of the enclosing describe, and returns a factory whose credentials
 * are disposed after each test, so no schedule leaks from one test into the next.
 */
export function credentialsOnFakeTime() {
  const created: CommunicationTokenCredential[] = [];
  beforeEach(useFakeTime);
  afterEach(() => {
    created.splice(0).forEach((credential) => credential.dispose());
    jest.useRealTimers();
  });
  return (...args: ConstructorParameters<typeof CommunicationTokenCredential>): CommunicationTokenCredential => {
    const credential = new CommunicationTokenCredential(...args);
    created.push(credential);
    return credential;
  };
}
