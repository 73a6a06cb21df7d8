import type { JoinTokenSharing, TokenSharing } from "../../refresh/tokenSharing.js";
import { currentRealm, tabRuntime } from "./tabGlobals.js";
import type { TabShare } from "./tabShare.js";

const loadTabShare = (): Promise<typeof import("./tabShare.js")> => import("./tabShare.js");

/**
 * Joins a credential to the tabs of its origin that share tokens under `name` (C26), where the
 * browser lets them: undefined in Node, and without Web Locks or BroadcastChannel. The sharing code
 * (tabShare.ts) is loaded with a dynamic `import()` only then, so that an app that never shares, and
 * every Node service, downloads none of it (C24). If it fails to load (offline, a deploy), or finds
 * nothing to share with, the credential refreshes alone; the refresh waits for it no longer than its
 * own timeout (C32). Never throws. `load` brings the sharing code; tests pass one that fails or never
 * answers.
 *
 * @example
 * ```ts
 * const keeper = new TokenKeeper(undefined, options, tabSharing("acs-user-42"));
 * ```
 */
export function tabSharing(
  name: string,
  load: () => Promise<typeof import("./tabShare.js")> = loadTabShare,
): JoinTokenSharing {
  return (hooks, clock): TokenSharing | undefined => {
    const realm = currentRealm(); // this page's, not whichever realm runs the import's callback
    if (tabRuntime.isNode() || realm.locks === undefined || realm.Channel === undefined) return undefined;
    let share: TabShare | undefined;
    let disposed = false;
    const group = load().then(
      ({ TabShare }) => (disposed ? undefined : (share = TabShare.create(name, clock, hooks, realm))),
      () => undefined,
    );
    return {
      group,
      dispose() {
        disposed = true;
        share?.dispose();
      },
    };
  };
}
