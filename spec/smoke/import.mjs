// Loads the built package the way an ESM app does, by its name, and gets a token through it.
import { CommunicationTokenCredential, TokenExpiredError } from "rx-communication-common";

const credential = new CommunicationTokenCredential({
  tokenRefresher: async () => ({ token: "esm-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
});
const { token } = await credential.getToken();
credential.dispose();
console.log(JSON.stringify({ format: "esm", token, errorName: new TokenExpiredError("x", 0).name }));
