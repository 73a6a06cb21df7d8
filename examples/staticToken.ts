/**
 * A static token: handed out while valid, refused with TokenExpiredError once expired.
 * Run: npm run build && npx tsx examples/staticToken.ts
 */
import { CommunicationTokenCredential, TokenExpiredError } from "rx-communication-common";

const jwt = (expiresAtSeconds: number): string =>
  [{ alg: "none" }, { exp: expiresAtSeconds }]
    .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
    .join(".") + ".";

const valid = new CommunicationTokenCredential(jwt(Math.floor(Date.now() / 1000) + 3600));
const { expiresOnTimestamp } = await valid.getToken();
console.log(`static token valid until ${new Date(expiresOnTimestamp).toISOString()}`);

const expired = new CommunicationTokenCredential(jwt(Math.floor(Date.now() / 1000) - 60));
await expired.getToken().catch((error: unknown) => {
  if (!(error instanceof TokenExpiredError)) throw error;
  console.log(`expired static token refused: ${error.message}`);
});
