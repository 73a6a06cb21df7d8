/**
 * The token server's count of requests by the session that sent them (`?session=` in the URL): a
 * request that finds no other request of its session open starts a refresh; one that comes while
 * another of its session is still open (neither answered nor dropped by the client) is a hedge, a
 * second call for a refresh already asked for. Counted at the server, so both libraries are counted
 * alike, whatever they do inside.
 *
 * @example
 * ```ts
 * const requests = new SessionRequests();
 * const closed = requests.opened("17"); // on a request
 * response.on("close", closed);        // answered, or dropped by the client
 * ```
 */

export interface SessionRequestFigures {
  /** Sessions that sent at least one request. */
  sessions: number;
  /** Requests that found no other request of their session open: one a refresh. */
  alone: number;
  /** Requests that came while another of their session was open: hedges. */
  overlapping: number;
  /** Sessions that sent one request, two, and more than two, in all. */
  sentOnce: number;
  sentTwice: number;
  sentMore: number;
}

interface Session {
  sent: number;
  open: number;
}

/** Counts requests by session, as they open and close. */
export class SessionRequests {
  readonly #sessions = new Map<string, Session>();
  #alone = 0;
  #overlapping = 0;

  /** Counts a request of `session` that has just come; returns what to call once it is closed (counted once). */
  opened(session: string): () => void {
    let entry = this.#sessions.get(session);
    if (entry === undefined) this.#sessions.set(session, (entry = { sent: 0, open: 0 }));
    if (entry.open > 0) this.#overlapping += 1;
    else this.#alone += 1;
    entry.sent += 1;
    entry.open += 1;
    const opened = entry;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      opened.open -= 1;
    };
  }

  /** The figures as they are now. */
  figures(): SessionRequestFigures {
    const sent = [...this.#sessions.values()].map((entry) => entry.sent);
    return {
      sessions: this.#sessions.size,
      alone: this.#alone,
      overlapping: this.#overlapping,
      sentOnce: sent.filter((n) => n === 1).length,
      sentTwice: sent.filter((n) => n === 2).length,
      sentMore: sent.filter((n) => n > 2).length,
    };
  }
}
