/**
 * The sessions of the soak: a fixed number of credentials live at a time, some of which are replaced
 * by new ones now and then, as users leave and others arrive. A new credential starts without a
 * token. A replaced one takes no more calls and is disposed once every call made on it is counted
 * (settled, or wedged): disposing it earlier would end calls the caller was still waiting on, which
 * the two libraries do differently (ours rejects them, Azure's leaves them pending).
 */
import type { SoakCredential } from "./contenders.js";

interface Session {
  readonly credential: SoakCredential;
  /** The calls made on it, each until it is counted. */
  readonly calls: Set<Promise<void>>;
}

export interface SessionFigures {
  /** Credentials created, the first ones included. */
  created: number;
  /** Replaced credentials disposed so far. */
  disposed: number;
}

/** `size` live credentials made by `create`; `random` picks the ones replaced. */
export class Sessions {
  readonly figures: SessionFigures = { created: 0, disposed: 0 };
  readonly #live: Session[];
  readonly #leaving = new Set<Promise<void>>();

  constructor(
    private readonly create: () => SoakCredential,
    size: number,
    private readonly random: () => number,
  ) {
    this.#live = Array.from({ length: size }, () => this.#start());
  }

  /** Makes a call on the live session that `draw` (in [0, 1)) picks; `call` returns when it is counted. */
  call(draw: number, call: (credential: SoakCredential) => Promise<void>): void {
    const session = this.#live[Math.floor(draw * this.#live.length)]!;
    const counted = call(session.credential);
    session.calls.add(counted);
    void counted.then(() => session.calls.delete(counted));
  }

  /** Replaces `count` distinct live sessions, picked at random, with new ones. */
  replace(count: number): void {
    const picked = new Set<number>();
    while (picked.size < Math.min(count, this.#live.length)) picked.add(Math.floor(this.random() * this.#live.length));
    for (const index of picked) {
      this.#leave(this.#live[index]!);
      this.#live[index] = this.#start();
    }
  }

  /** Resolves once every replaced session is disposed. */
  async left(): Promise<void> {
    while (this.#leaving.size > 0) await Promise.all(this.#leaving);
  }

  /** Disposes the live sessions. */
  disposeLive(): void {
    this.#live.forEach(({ credential }) => credential.dispose());
  }

  #start(): Session {
    this.figures.created += 1;
    return { credential: this.create(), calls: new Set() };
  }

  #leave(session: Session): void {
    const leaving = Promise.all(session.calls).then(() => {
      session.credential.dispose();
      this.figures.disposed += 1;
      this.#leaving.delete(leaving);
    });
    this.#leaving.add(leaving);
  }
}
