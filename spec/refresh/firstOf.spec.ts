import { NEVER, Observable, of, Subject, throwError } from "rxjs";
import { firstOf } from "../../lib/refresh/firstOf.js";

/** An Observable that counts its subscribers and unsubscriptions. */
function counted<T>(source: Observable<T>) {
  const counts = { subscribed: 0, unsubscribed: 0 };
  const observable = new Observable<T>((subscriber) => {
    counts.subscribed += 1;
    const subscription = source.subscribe(subscriber);
    return () => {
      counts.unsubscribed += 1;
      subscription.unsubscribe();
    };
  });
  return { observable, counts };
}

function outcome<T>(observable: Observable<T>) {
  const seen: { values: T[]; error?: unknown; completed: boolean } = { values: [], completed: false };
  observable.subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return seen;
}

describe("firstOf, the race of the credential's waits (C8)", () => {
  it("mirrors the first source to emit and leaves the other", () => {
    const [a, b] = [new Subject<string>(), new Subject<string>()];
    const other = counted(a);
    const seen = outcome(firstOf(other.observable, b));
    b.next("b1");
    a.next("a1");
    b.next("b2");
    expect(seen.values).toEqual(["b1", "b2"]);
    expect(other.counts).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it("an error or a completion wins too", () => {
    const failure = new Error("aborted");
    expect(
      outcome(
        firstOf(
          throwError(() => failure),
          NEVER,
        ),
      ).error,
    ).toBe(failure);
    const done = new Subject<string>();
    const seen = outcome(firstOf(done, NEVER));
    done.complete();
    expect(seen.completed).toBe(true);
  });

  it("a source that speaks while being subscribed to wins, and later sources are never subscribed", () => {
    const later = counted(of("late"));
    expect(outcome(firstOf(of("now"), later.observable)).values).toEqual(["now"]);
    expect(later.counts.subscribed).toBe(0);
  });

  it("a later source speaking at once unsubscribes the earlier ones", () => {
    const earlier = counted(NEVER);
    expect(outcome(firstOf<string>(earlier.observable, of("now"))).values).toEqual(["now"]);
    expect(earlier.counts).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it("unsubscribing leaves every source", () => {
    const [a, b] = [counted(NEVER), counted(NEVER)];
    firstOf(a.observable, b.observable).subscribe().unsubscribe();
    expect([a.counts.unsubscribed, b.counts.unsubscribed]).toEqual([1, 1]);
  });
});
