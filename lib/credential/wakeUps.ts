import { Observable } from "rxjs";

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

function eventSource(candidate: unknown): EventSource | undefined {
  const source = candidate as Partial<EventSource> | undefined;
  return typeof source?.addEventListener === "function" && typeof source.removeEventListener === "function"
    ? (source as EventSource)
    : undefined;
}

/**
 * Moments when a browser's timers may have been frozen or throttled and the credential should look at
 * the clock again (C14): the page becoming visible, and the network coming back online. In Node there
 * are no such events and this never emits. Listeners are attached only while subscribed, so importing
 * the package touches no globals (C21).
 */
export function browserWakeUps(): Observable<void> {
  return new Observable<void>((subscriber) => {
    const page = eventSource((globalThis as { document?: unknown }).document);
    const window = eventSource(globalThis);
    const onVisibilityChange = (): void => {
      if ((page as { visibilityState?: string } | undefined)?.visibilityState !== "hidden") subscriber.next();
    };
    const onOnline = (): void => subscriber.next();
    page?.addEventListener("visibilitychange", onVisibilityChange);
    window?.addEventListener("online", onOnline);
    return () => {
      page?.removeEventListener("visibilitychange", onVisibilityChange);
      window?.removeEventListener("online", onOnline);
    };
  });
}
