import { Observable, type Subscription } from "rxjs";

/**
 * Mirrors whichever source speaks first — a value, an error or completion — and unsubscribes from the
 * others, as rxjs `race` does. Written out because `race` accepts every input type rxjs knows and so
 * brings them all into a browser bundle (about 2 KB gzipped), where the credential races two
 * Observables.
 *
 * @example
 * ```ts
 * firstOf(abortion(signal), refresh$).subscribe(onToken); // the refresh, unless the signal aborts first
 * ```
 */
export function firstOf<T>(...sources: Observable<T>[]): Observable<T> {
  return new Observable<T>((subscriber) => {
    const subscriptions: (Subscription | undefined)[] = [];
    let winner = -1;
    const wins = (index: number): boolean => {
      if (winner === -1) {
        winner = index;
        subscriptions.forEach((subscription, other) => other !== index && subscription?.unsubscribe());
      }
      return winner === index;
    };
    for (const [index, source] of sources.entries()) {
      if (winner !== -1) break; // an earlier source spoke while it was being subscribed to
      const subscription = source.subscribe({
        next: (value) => wins(index) && subscriber.next(value),
        error: (error: unknown) => wins(index) && subscriber.error(error),
        complete: () => wins(index) && subscriber.complete(),
      });
      subscriptions[index] = subscription;
      if (winner !== -1 && winner !== index) subscription.unsubscribe();
    }
    return () => subscriptions.forEach((subscription) => subscription?.unsubscribe());
  });
}
