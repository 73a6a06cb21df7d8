import { HttpBackend, HttpClient } from "@angular/common/http";
import { DestroyRef, Injectable, InjectionToken, NgZone, inject, type Signal } from "@angular/core";
import { toSignal } from "@angular/core/rxjs-interop";
import { map } from "rxjs";
import {
  CommunicationTokenCredential,
  createRejectedTokenRenewal,
  type CredentialState,
} from "rx-communication-common";

/** Your server's endpoint that mints ACS tokens for the signed-in user: `{ token, expiresOn }`. */
export const ACS_TOKEN_URL = new InjectionToken<string>("ACS_TOKEN_URL");
/** The ACS resource endpoint; only requests to it get the user's token. */
export const ACS_ENDPOINT = new InjectionToken<string>("ACS_ENDPOINT");

/**
 * Owns the app's one credential: created outside the Angular zone (its timers never keep the app
 * from becoming stable), disposed with the injector, its state as an Observable and a signal.
 */
@Injectable({ providedIn: "root" })
export class AcsCredentialService {
  readonly credential: CommunicationTokenCredential;
  readonly state$;
  /** The credential's state; `requireSync` holds because state$ emits on subscribe. */
  readonly state: Signal<CredentialState>;
  /** Renews a token the ACS service rejected, once for all requests that used it. */
  readonly renewRejected;

  constructor() {
    // HttpBackend skips the interceptors: the token request must not wait for a token itself.
    const tokenHttp = new HttpClient(inject(HttpBackend));
    const tokenUrl = inject(ACS_TOKEN_URL);
    this.credential = inject(NgZone).runOutsideAngular(
      () =>
        new CommunicationTokenCredential({
          refreshProactively: true,
          // An Observable refresher: when the credential aborts, unsubscribing cancels the request.
          tokenRefresher: () =>
            tokenHttp
              .get<{ token: string; expiresOn: string }>(tokenUrl)
              .pipe(map(({ token, expiresOn }) => ({ token, expiresOnTimestamp: Date.parse(expiresOn) }))),
        }),
    );
    inject(DestroyRef).onDestroy(() => this.credential.dispose());
    this.state$ = this.credential.state$;
    this.state = toSignal(this.state$, { requireSync: true });
    this.renewRejected = createRejectedTokenRenewal(this.credential);
  }
}
