// A script that awaits token$ while the first refresh fails: the background retry must keep Node
// alive until the token comes (a waiting credential's timers otherwise do not keep it alive).
import { firstValueFrom } from "rxjs";
import { CommunicationTokenCredential } from "rx-communication-common";

let calls = 0;
const credential = new CommunicationTokenCredential({
  tokenRefresher: async () => {
    calls += 1;
    if (calls === 1) throw new Error("token server down");
    return { token: "retried-token", expiresOnTimestamp: Date.now() + 3_600_000 };
  },
  retry: { initialDelayMs: 200, jitter: false },
});
const { token } = await firstValueFrom(credential.token$);
credential.dispose();
console.log(JSON.stringify({ token, calls }));
