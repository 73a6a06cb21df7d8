import { HttpClient } from "@angular/common/http";
import { ChangeDetectionStrategy, Component, computed, inject } from "@angular/core";
import { toSignal } from "@angular/core/rxjs-interop";
import { distinctUntilChanged, filter, map, scan } from "rxjs";
import { injectCommunicationCredential, injectCredentialState } from "rx-communication-common/angular";
import { createCallResult } from "./callResult.js";
import { RUNTIME_CONFIG } from "./runtimeConfig.js";

/** A page of ACS's List Chat Threads answer, as much of it as the page shows. */
interface ChatThreadList {
  readonly value: readonly { readonly id: string; readonly topic: string }[];
}

/** What the e2e test's look-alike host answers: whether an Authorization header reached it. */
interface LookAlikeAnswer {
  readonly receivedAuthorization: boolean;
}

const API_VERSION = "2024-03-07";

/**
 * The whole app: the credential's state (a signal, from injectCredentialState), and two buttons that
 * send HttpClient requests, one to the ACS endpoint, which the interceptor gives the token, and one
 * to a look-alike host, which it must not. Host names only, no ports, so the page looks the same on
 * every run.
 */
@Component({
  selector: "app-root",
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: "./app.component.html",
  styleUrl: "./app.component.css",
})
export class AppComponent {
  private readonly http = inject(HttpClient);
  private readonly config = inject(RUNTIME_CONFIG);
  readonly acsHost = new URL(this.config.acsEndpoint).hostname;
  readonly lookAlikeHost = new URL(this.config.lookAlikeEndpoint).hostname;

  readonly state = injectCredentialState();
  readonly tokensReceived = toSignal(
    injectCommunicationCredential().state$.pipe(
      map((state) => ("token" in state ? state.token?.token : undefined)),
      filter((token) => token !== undefined),
      distinctUntilChanged(),
      scan((count) => count + 1, 0),
    ),
    { initialValue: 0 },
  );
  readonly expiry = computed(() => {
    const state = this.state();
    if (!("token" in state) || state.token === undefined) return "no token";
    return `in about ${Math.round((state.token.expiresOnTimestamp - Date.now()) / 60_000)} min`;
  });

  private readonly acs = createCallResult();
  private readonly lookAlike = createCallResult();
  readonly acsResult = this.acs.result;
  readonly lookAlikeResult = this.lookAlike.result;

  listChatThreads(): void {
    const url = `${this.config.acsEndpoint}/chat/threads?api-version=${API_VERSION}`;
    this.acs.run(this.http.get<ChatThreadList>(url).pipe(map(({ value }) => `200 OK · ${value.length} chat threads`)));
  }

  callLookAlike(): void {
    const url = `${this.config.lookAlikeEndpoint}/chat/threads?api-version=${API_VERSION}`;
    this.lookAlike.run(
      this.http
        .get<LookAlikeAnswer>(url)
        .pipe(
          map(({ receivedAuthorization }) =>
            receivedAuthorization
              ? "200 OK · it received an Authorization header!"
              : "200 OK · no Authorization header",
          ),
        ),
    );
  }
}
