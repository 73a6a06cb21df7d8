/**
 * Unhandled rejections and uncaught exceptions of the whole process, counted for whichever phase is
 * current. Listening also keeps them from ending the process, so that every phase runs to its end.
 */

export interface ProcessFailureFigures {
  unhandledRejections: number;
  uncaughtExceptions: number;
  /** The reasons, by error name and message, for the reader. */
  reasons: Map<string, number>;
}

function describe(reason: unknown): string {
  const { name, message } = (reason ?? {}) as { name?: unknown; message?: unknown };
  return `${String(name)}: ${String(message).slice(0, 80)}`;
}

/** Counts from `listen()` on; `begin()` starts a new phase's figures, `stop()` stops listening. */
export class ProcessFailures {
  #current: ProcessFailureFigures | undefined;

  readonly #onRejection = (reason: unknown) => this.#count("unhandledRejections", reason);
  readonly #onException = (error: unknown) => this.#count("uncaughtExceptions", error);

  listen(): void {
    process.on("unhandledRejection", this.#onRejection);
    process.on("uncaughtException", this.#onException);
  }

  /** New figures, counted into until the next `begin()`. */
  begin(): ProcessFailureFigures {
    this.#current = { unhandledRejections: 0, uncaughtExceptions: 0, reasons: new Map() };
    return this.#current;
  }

  stop(): void {
    process.off("unhandledRejection", this.#onRejection);
    process.off("uncaughtException", this.#onException);
  }

  #count(kind: "unhandledRejections" | "uncaughtExceptions", reason: unknown): void {
    if (this.#current === undefined) return;
    this.#current[kind] += 1;
    const key = describe(reason);
    this.#current.reasons.set(key, (this.#current.reasons.get(key) ?? 0) + 1);
  }
}
