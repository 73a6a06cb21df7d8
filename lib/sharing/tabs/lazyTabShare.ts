import { Observable, type Subscription } from "rxjs";
import type { Clock } from "../../time/clock.js";
import type { ReceivedToken } from "../../token/issuerClock.js";
import { currentRealm, tabRuntime } from "./tabGlobals.js";
import type { TabShare, TabShareHooks } from "./tabShare.js";

/**
 * A credential's share in its tabs' tokens (C26), as the engine uses it: the same two methods as a
 * TabShare, which is loaded with a dynamic `import()` only where sharing can work, so that an app
 * that never shares, and every Node service, downloads none of it (C24).
 *
 * @example
 * ```ts
 * const tabs = shareAcrossTabs("acs-user-42", clock, hooks); // undefined in Node
 * const refresh$ = tabs?.refreshOnce(ownCall$, held, 30_000) ?? ownCall$;
 * ```
 */
export interface TabSharing {
  refreshOnce(
    call: Observable<ReceivedToken>,
    held: ReceivedToken | undefined,
    timeoutMs: number,
  ): Observable<ReceivedToken>;
  dispose(): void;
}

/**
 * The share of `name`, loading TabShare in the background; undefined where it could not work (Node,
 * no Web Locks, no BroadcastChannel). A refresh asked for before the module has loaded waits for it;
 * if it fails to load (offline, a deploy), or TabShare.create finds nothing to share with, the
 * credential refreshes alone. Never throws.
 */
export function shareAcrossTabs(name: string, clock: Clock, hooks: TabShareHooks): TabSharing | undefined {
  const realm = currentRealm(); // this page's, not whichever realm runs the import's callback
  if (tabRuntime.isNode() || realm.locks === undefined || realm.Channel === undefined) return undefined;
  let share: TabShare | undefined;
  let disposed = false;
  const loaded: Promise<TabShare | undefined> = import("./tabShare.js").then(
    ({ TabShare }) => (disposed ? undefined : (share = TabShare.create(name, clock, hooks, realm))),
    () => undefined,
  );
  return {
    refreshOnce: (call, held, timeoutMs) =>
      new Observable<ReceivedToken>((subscriber) => {
        let inner: Subscription | undefined;
        let left = false;
        void loaded.then((tabs) => {
          if (!left) inner = (tabs?.refreshOnce(call, held, timeoutMs) ?? call).subscribe(subscriber);
        });
        return () => {
          left = true;
          inner?.unsubscribe();
        };
      }),
    dispose() {
      disposed = true;
      share?.dispose();
    },
  };
}
