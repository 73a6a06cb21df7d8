import { Observable } from "../support/rxjsClasses.js";

interface EventSource {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/** Listens to `type` on `candidate` if it is an event target; returns the function that stops listening. */
function listenTo(candidate: unknown, type: string, listener: () => void): () => void {
  const source = candidate as Partial<EventSource> | undefined;
  const { addEventListener, removeEventListener } = source ?? {};
  if (typeof addEventListener !== "function" || typeof removeEventListener !== "function") return () => {};
  addEventListener.call(source, type, listener);
  return () => removeEventListener.call(source, type, listener);
}

/**
 * Moments when a browser's timers may have been frozen or throttled and the credential should look at
 * the clock again (C14): the page becoming visible, and the network coming back online. In Node there
 * are no such events and this never emits. Listeners are attached only while subscribed, so importing
 * the package touches no globals (C21).
 */
export function browserWakeUps(): Observable<void> {
  return new Observable<void>((subscriber) => {
    const page = (globalThis as { document?: { visibilityState?: string } }).document;
    const stopVisibility = listenTo(page, "visibilitychange", () => {
      if (page?.visibilityState !== "hidden") subscriber.next();
    });
    const stopOnline = listenTo(globalThis, "online", () => subscriber.next());
    return () => {
      stopVisibility();
      stopOnline();
    };
  });
}
