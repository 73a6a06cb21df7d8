// Loads the built package the way a CommonJS app does, by its name, and gets a token through it.
const { CommunicationTokenCredential, TokenExpiredError } = require("rx-communication-common");

const credential = new CommunicationTokenCredential({
  tokenRefresher: async () => ({ token: "cjs-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
});
credential.getToken().then(({ token }) => {
  credential.dispose();
  console.log(JSON.stringify({ format: "cjs", token, errorName: new TokenExpiredError("x", 0).name }));
});
