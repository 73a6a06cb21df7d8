import { HttpClient, type HttpBackend } from "@angular/common/http";
import { map } from "rxjs";
import type { TokenInput } from "../credential/accessToken.js";
import type { TokenRefresher } from "../credential/options.js";

/**
 * The token in an answer read as text: JSON (`{ token, expiresOn }`, `{ token, expiresOnTimestamp }`
 * or a JSON string) is parsed, anything else is taken as the bare token, without the line break a
 * text answer often ends with. The credential checks what comes out (C1): an answer of no known shape
 * is an InvalidTokenError whose message never shows the answer.
 */
function tokenInAnswer(body: string | null): TokenInput {
  const text = (body ?? "").trim();
  if (text.startsWith("{") || text.startsWith('"')) {
    try {
      return JSON.parse(text) as TokenInput;
    } catch {
      // Not JSON after all: the credential names the likely mistake.
    }
  }
  return text;
}

/**
 * A refresher that GETs `tokenUrl` through `backend`, Angular's `HttpBackend`, which sends a request
 * past every interceptor: the token request must not wait for a token itself, nor be retried or
 * rewritten by the app's interceptors. It returns an Observable, so the credential's abort (nobody
 * waits any more, the refresh timed out, dispose) unsubscribes and cancels the request. The answer is
 * read as text, so a bare token is accepted as well as JSON. A non-2xx answer fails the refresh with
 * Angular's HttpErrorResponse, unchanged.
 */
export function tokenUrlRefresher(backend: HttpBackend, tokenUrl: string): TokenRefresher {
  const http = new HttpClient(backend);
  return () => http.get(tokenUrl, { responseType: "text" }).pipe(map(tokenInAnswer));
}
