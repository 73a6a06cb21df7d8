import { assertInInjectionContext, inject, type Injector, type Signal } from "@angular/core";
import { toSignal } from "@angular/core/rxjs-interop";
import type { CommunicationTokenCredential } from "../CommunicationTokenCredential.js";
import type { CredentialState } from "../refresh/credentialState.js";
import { CREDENTIAL } from "./tokens.js";

/**
 * Where to inject from: by default the current injection context (a constructor, a field initializer,
 * a provider factory); pass `injector` to call an inject function anywhere else.
 *
 * @example
 * ```ts
 * const injector = inject(Injector);
 * afterNextRender(() => console.log(injectCommunicationCredential({ injector })));
 * ```
 */
export interface InjectCredentialOptions {
  /** The injector to read the credential from, instead of the current injection context. */
  injector?: Injector | undefined;
}

/**
 * The credential that `provideCommunicationCredential` provides: the library's
 * `CommunicationTokenCredential`, to await (`getToken()`), subscribe to (`token$`, `state$`) or hand
 * to the ACS chat and calling clients. Call it in an injection context, or pass `injector`.
 *
 * @example
 * ```ts
 * export class ChatService {
 *   private readonly credential = injectCommunicationCredential();
 *   readonly client = new ChatClient("https://contoso.communication.azure.com", this.credential);
 * }
 * ```
 */
export function injectCommunicationCredential(options?: InjectCredentialOptions): CommunicationTokenCredential {
  const injector = options?.injector;
  if (injector !== undefined) return injector.get(CREDENTIAL);
  assertInInjectionContext(injectCommunicationCredential);
  return inject(CREDENTIAL);
}

/**
 * The credential's state as a signal: `idle`, `refreshing`, `ready`, `failed` or `disposed`, with the
 * token while it is valid. It has a value at once (`toSignal` with `requireSync`, as `state$` emits on
 * subscribe) and stops following the credential when the injection context that made it (a
 * component) is destroyed.
 *
 * @example
 * ```ts
 * @Component({
 *   selector: "app-call-status",
 *   changeDetection: ChangeDetectionStrategy.OnPush,
 *   template: `<span>{{ state().status }}</span>`,
 * })
 * export class CallStatusComponent {
 *   readonly state = injectCredentialState();
 * }
 * ```
 */
export function injectCredentialState(options?: InjectCredentialOptions): Signal<CredentialState> {
  const injector = options?.injector;
  if (injector === undefined) assertInInjectionContext(injectCredentialState);
  const { state$ } = injectCommunicationCredential(options);
  return toSignal(state$, injector === undefined ? { requireSync: true } : { requireSync: true, injector });
}
