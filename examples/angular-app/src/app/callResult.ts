import { HttpErrorResponse } from "@angular/common/http";
import { signal, type Signal } from "@angular/core";
import type { Observable } from "rxjs";

/** What a button's last request came to: the number of the call that finished, and a line about it. */
export interface CallResult {
  /** 0 before the first call has finished; the page shows it as `data-call` for the e2e test. */
  readonly call: number;
  readonly text: string;
}

function describeError(error: unknown): string {
  if (!(error instanceof HttpErrorResponse)) return error instanceof Error ? error.message : String(error);
  return error.status === 0 ? "network error: no answer" : `${error.status} ${error.statusText}`;
}

/**
 * A result on the page for requests made one click at a time: `run` subscribes to a request that
 * describes its own answer, and the result shows that description, or the error's status, once it
 * settles. Calls are numbered so that a reader (or a test) can tell a new answer from the last one.
 *
 * @example
 * ```ts
 * readonly threads = createCallResult();
 * list(): void {
 *   this.threads.run(this.http.get<ThreadList>(url).pipe(map((list) => `${list.value.length} threads`)));
 * }
 * ```
 */
export function createCallResult(): { readonly result: Signal<CallResult>; run(request: Observable<string>): void } {
  const result = signal<CallResult>({ call: 0, text: "not called yet" });
  let started = 0;
  return {
    result: result.asReadonly(),
    run(request) {
      const call = ++started;
      request.subscribe({
        next: (text) => result.set({ call, text }),
        error: (error: unknown) => result.set({ call, text: describeError(error) }),
      });
    },
  };
}
