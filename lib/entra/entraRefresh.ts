import { clockFor } from "../time/clock.js";
import type { AbortSignalLike } from "../types.js";
import { resolveRefreshOptions, type ResolvedRefreshOptions } from "../options/options.js";
import type { EntraTokenExchange } from "./EntraTokenExchange.js";
import { checkEntraOptions, refreshTuningOf, type EntraCommunicationTokenCredentialOptions } from "./entraOptions.js";

/**
 * Entra ID options as the refresh options of the credential engine. The options are checked now, as
 * the Azure SDK's constructor does (C2); the exchange itself — its HTTP, retries and error reading —
 * is loaded with a dynamic `import()` when first needed, so that an app that never uses Entra ID does
 * not download it (C24). Each getToken first asks whether the user's Entra token changed since the
 * last exchange (another sign-in), and renews at once if it did.
 */
export function entraRefreshOptions(given: EntraCommunicationTokenCredentialOptions): ResolvedRefreshOptions {
  // What was checked is what the exchange uses, when it loads: never `given`, which may change (C2).
  const options = checkEntraOptions(given);
  let exchange: Promise<EntraTokenExchange> | undefined;
  const loaded = (): Promise<EntraTokenExchange> =>
    (exchange ??= import("./EntraTokenExchange.js").then(
      ({ EntraTokenExchange }) =>
        new EntraTokenExchange(options, clockFor(options.scheduler), resolved.refreshTimeoutMs),
      (error: unknown) => {
        exchange = undefined; // a chunk that failed to load (offline, a deploy) is tried again next time
        throw error;
      },
    ));
  const resolved = resolveRefreshOptions({
    // The refresher starts with the user's Entra sign-in, which may wait for the user: a hedged second
    // call would ask again. Hedging is for those who ask for it.
    hedgeAfterMs: false,
    ...refreshTuningOf(options),
    tokenRefresher: async (signal, progress) => (await loaded()).tokenRefresher(signal, progress),
  });
  return Object.freeze({
    ...resolved,
    sourceChanged: async (signal: AbortSignalLike | undefined) => (await loaded()).entraTokenChanged(signal),
  });
}
