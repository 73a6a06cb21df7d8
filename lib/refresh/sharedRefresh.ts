import { Observable, Subject, type Subscription } from "rxjs";

/**
 * One refresh, shared by everyone who wants its result while it runs (C5): the first subscriber
 * starts `source`, later ones join it, and when the last one leaves before it has settled, it is
 * cancelled (C8). `fail(error)` ends it for everyone at once, as dispose does (C19). It lives only as
 * long as the refresh: the credential drops it when it settles.
 *
 * rxjs `share()` does the same, but brings `from` with every input type it knows into a browser
 * bundle; this is the part of it a refresh needs.
 */
export class SharedRefresh<T> {
  readonly #source: Observable<T>;
  readonly #onCancel: () => void;
  readonly #subject = new Subject<T>();
  #connection: Subscription | undefined;
  #subscribers = 0;
  #settled = false;

  /** `onCancel` runs when the last subscriber leaves before `source` settled. */
  constructor(source: Observable<T>, onCancel: () => void) {
    this.#source = source;
    this.#onCancel = onCancel;
  }

  readonly result = new Observable<T>((subscriber) => {
    this.#subscribers += 1;
    const inner = this.#subject.subscribe(subscriber);
    if (this.#connection === undefined && !this.#settled) {
      this.#connection = this.#source.subscribe({
        next: (value) => this.#subject.next(value),
        error: (error: unknown) => this.#end(() => this.#subject.error(error)),
        complete: () => this.#end(() => this.#subject.complete()),
      });
    }
    return () => {
      inner.unsubscribe();
      this.#subscribers -= 1;
      if (this.#subscribers === 0 && !this.#settled) {
        this.#settled = true;
        this.#connection?.unsubscribe();
        this.#onCancel();
      }
    };
  });

  /** True once it has completed, failed or been cancelled. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Ends the refresh for everyone with `error`, cancelling `source`. */
  fail(error: unknown): void {
    if (this.#settled) return;
    this.#connection?.unsubscribe();
    this.#end(() => this.#subject.error(error));
  }

  #end(notify: () => void): void {
    this.#settled = true;
    notify();
  }
}
