/**
 * The two credentials under test, each as a user of its library would set it up against a token
 * endpoint: ours with the library's `tokenEndpoint(url)`, Azure's with the refresher a new user writes.
 */
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationTokenCredential, tokenEndpoint } from "../../build/esm/index.js";

export type Library = "ours" | "azure";

/** What the soak needs of a credential; both libraries' getToken take `{ abortSignal }`. */
export interface SoakCredential {
  getToken(options: { abortSignal: AbortSignal }): Promise<{ token: string; expiresOnTimestamp: number }>;
  dispose(): void;
}

/**
 * The refresher from Azure's samples, as a new user would write it: no timeout of its own, the
 * signal passed on when there is one (Azure's proactive refresh calls it without).
 */
function handWrittenRefresher(url: string) {
  return async (signal?: unknown): Promise<string> => {
    // `signal` is undefined at run time when Azure passes none, which fetch accepts.
    const response = await fetch(url, { signal: signal as AbortSignal });
    if (!response.ok) throw new Error(String(response.status));
    const { token } = (await response.json()) as { token: string };
    return token;
  };
}

/** A proactive credential of `library` that fetches its tokens from `url`. */
export function createSoakCredential(library: Library, url: string): SoakCredential {
  return library === "ours"
    ? new CommunicationTokenCredential({ tokenRefresher: tokenEndpoint(url), refreshProactively: true })
    : new AzureCommunicationTokenCredential({ tokenRefresher: handWrittenRefresher(url), refreshProactively: true });
}
