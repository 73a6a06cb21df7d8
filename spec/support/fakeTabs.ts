/**
 * An in-memory browser for the cross-tab specs (C26): tabs with a Web Locks `navigator.locks` and a
 * `BroadcastChannel`, behaving as the specs describe them (w3c/web-locks, HTML §web-messaging; see
 * /work/shared/reference/tabs-clocks-network.md). Lock grants and message deliveries happen later, in
 * the order they were caused, as promise jobs: never synchronously, and without moving a fake clock,
 * so that `await settle()` runs a whole exchange (ask, answer, grant, broadcast) at one instant. (A
 * `setTimeout(0)` set while Jest's fake timers run is due 1 ms later, which would make every hop cost
 * a millisecond of fake time.) What a message listener throws is collected in `browser.errors`, as a
 * page would report it, for the test to check.
 *
 * @example
 * ```ts
 * const browser = new FakeBrowser();
 * const [first, second] = [browser.openTab(), browser.openTab()];
 * const share = first.run(() => TabShare.create("acs", clock, hooks)); // first's globals, during the call
 * second.close(); // its locks are released, its requests dropped, its channels closed
 * ```
 */

type LockCallback = (lock: { readonly name: string; readonly mode: "exclusive" } | null) => unknown;

interface FakeLockOptions {
  readonly mode?: "exclusive" | "shared";
  readonly ifAvailable?: boolean;
  readonly steal?: boolean;
  readonly signal?: AbortSignal;
}

interface LockRequest {
  readonly tab: FakeTab;
  readonly name: string;
  readonly callback: LockCallback;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  state: "queued" | "held" | "stolen" | "done";
}

interface FakeMessageEvent {
  readonly type: "message";
  readonly data: unknown;
}

type MessageListener = (event: FakeMessageEvent) => void;

/** What `query()` tells of one lock or request: its name, its mode and the tab (client) it belongs to. */
export interface FakeLockInfo {
  readonly name: string;
  readonly mode: "exclusive";
  readonly clientId: string;
}

/** What `query()` resolves with: the held locks, and the queued requests in queue order. */
export interface FakeLockSnapshot {
  readonly held: FakeLockInfo[];
  readonly pending: FakeLockInfo[];
}

// Later, in order: real promise jobs, which Jest's fake timers do not hold back.
const later = (work: () => void): void => void Promise.resolve().then(work);

/**
 * The Web Locks API of one tab: exclusive locks, `ifAvailable`, `signal` (while queued), `steal`, and
 * `query()`, whose snapshot is taken in order with the requests (as the lock manager's one task queue
 * orders them) and delivered later.
 */
export class FakeLockManager {
  constructor(
    private readonly browser: FakeBrowser,
    private readonly tab: FakeTab,
  ) {}

  request(name: string, optionsOrCallback: FakeLockOptions | LockCallback, maybeCallback?: LockCallback) {
    const options = typeof optionsOrCallback === "function" ? {} : optionsOrCallback;
    const callback = typeof optionsOrCallback === "function" ? optionsOrCallback : maybeCallback;
    const refuse = (message: string) => Promise.reject(new DOMException(message, "NotSupportedError"));
    if (typeof callback !== "function") return Promise.reject(new TypeError("request() needs a callback"));
    if (this.tab.closed) return Promise.reject(new DOMException("The document is not active.", "InvalidStateError"));
    if (name.startsWith("-")) return refuse("Lock names starting with '-' are reserved.");
    if ((options.mode ?? "exclusive") !== "exclusive") return refuse("This fake has exclusive locks only.");
    if (options.steal === true && options.ifAvailable === true) return refuse("steal and ifAvailable together.");
    if (options.signal !== undefined && (options.steal === true || options.ifAvailable === true)) {
      return refuse("signal with steal or ifAvailable.");
    }
    if (options.signal?.aborted === true) return Promise.reject(options.signal.reason);
    return new Promise<unknown>((resolve, reject) => {
      const request: LockRequest = { tab: this.tab, name, callback, resolve, reject, state: "queued" };
      this.browser.enqueue(request, options);
      options.signal?.addEventListener("abort", () => this.browser.dropQueued(request, options.signal?.reason), {
        once: true,
      });
    });
  }

  query(): Promise<FakeLockSnapshot> {
    if (this.tab.closed) return Promise.reject(new DOMException("The document is not active.", "InvalidStateError"));
    const snapshot = this.browser.snapshot();
    return new Promise((resolve) => later(() => resolve(snapshot)));
  }
}

/** A BroadcastChannel: delivers a structured clone of each message to every other open channel of its name. */
export class FakeBroadcastChannel {
  onmessage: MessageListener | null = null;
  readonly #listeners = new Set<MessageListener>();
  #closed = false;

  constructor(
    readonly name: string,
    readonly tab: FakeTab,
  ) {
    if (tab.closed) throw new DOMException("The document is not active.", "InvalidStateError");
    tab.browser.channels.add(this);
  }

  get closed(): boolean {
    return this.#closed;
  }

  postMessage(message: unknown): void {
    if (this.#closed) throw new DOMException("The channel is closed.", "InvalidStateError");
    if (this.tab.closed) return; // a closed tab is not eligible for messaging: silently nothing
    const data = structuredClone(message); // a DataCloneError is the sender's, at once
    for (const target of this.tab.browser.channels) {
      if (target === this || target.name !== this.name || target.#closed) continue;
      const copy = structuredClone(data);
      later(() => target.#deliver(copy));
    }
  }

  addEventListener(type: string, listener: MessageListener): void {
    if (type === "message") this.#listeners.add(listener);
  }

  removeEventListener(type: string, listener: MessageListener): void {
    if (type === "message") this.#listeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    this.tab.browser.channels.delete(this);
  }

  #deliver(data: unknown): void {
    if (this.#closed || this.tab.closed) return;
    const event: FakeMessageEvent = { type: "message", data };
    for (const listener of [this.onmessage, ...this.#listeners]) {
      try {
        listener?.(event);
      } catch (error) {
        this.tab.browser.errors.push(error); // a page would report it; the code under test must not throw
      }
    }
  }
}

/** What replaceGlobals puts for a global that must be missing. */
export const ABSENT = Symbol("absent");

/**
 * Puts `values` on globalThis (`ABSENT` deletes a name) until the returned function puts back what was
 * there. For the tabs' `navigator` and `BroadcastChannel`; Node 21+ defines `navigator` itself.
 */
export function replaceGlobals(values: Record<string, unknown>): () => void {
  const saved = Object.keys(values).map((key) => [key, Object.getOwnPropertyDescriptor(globalThis, key)] as const);
  for (const [key, value] of Object.entries(values)) {
    if (value === ABSENT) Reflect.deleteProperty(globalThis, key);
    else Object.defineProperty(globalThis, key, { value, configurable: true, writable: true, enumerable: false });
  }
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor === undefined) Reflect.deleteProperty(globalThis, key);
      else Object.defineProperty(globalThis, key, descriptor);
    }
  };
}

/** One tab: its `navigator.locks`, its `BroadcastChannel` class; `close()` ends it as unloading does. */
export class FakeTab {
  readonly locks: FakeLockManager;
  readonly BroadcastChannel: new (name: string) => FakeBroadcastChannel;
  #closed = false;

  constructor(
    readonly browser: FakeBrowser,
    readonly label: string,
    /** The id `query()` names this tab by, as a browser names a document's environment. */
    readonly clientId: string,
  ) {
    this.locks = new FakeLockManager(browser, this);
    const tab = this;
    this.BroadcastChannel = class extends FakeBroadcastChannel {
      constructor(name: string) {
        super(name, tab);
      }
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** This tab's `navigator` and `BroadcastChannel` on globalThis until the returned function is called. */
  install(): () => void {
    return replaceGlobals({ navigator: { locks: this.locks }, BroadcastChannel: this.BroadcastChannel });
  }

  /** Runs `work` with this tab's globals installed. */
  run<T>(work: () => T): T {
    const restore = this.install();
    try {
      return work();
    } finally {
      restore();
    }
  }

  /** Closes the tab: its held locks are released and its queued requests dropped (their promises never settle), its channels closed. */
  close(): void {
    this.#closed = true;
    for (const channel of [...this.browser.channels]) if (channel.tab === this) channel.close();
    this.browser.forgetTab(this);
  }
}

/** One browser profile: its tabs share locks and channels. */
export class FakeBrowser {
  readonly channels = new Set<FakeBroadcastChannel>();
  /** What message listeners threw. */
  readonly errors: unknown[] = [];
  readonly #held = new Map<string, LockRequest>();
  readonly #queues = new Map<string, LockRequest[]>();
  #tabs = 0;
  #clients = 0;

  openTab(label = `tab ${++this.#tabs}`): FakeTab {
    return new FakeTab(this, label, `client-${++this.#clients}`);
  }

  /** The tab holding lock `name`, if any. */
  lockHolder(name: string): FakeTab | undefined {
    return this.#held.get(name)?.tab;
  }

  /** How many requests of lock `name` wait in its queue. */
  queuedRequests(name: string): number {
    return this.#queue(name).length;
  }

  /** @internal the LockManager's half of query(): every held lock, then every queued request, queue by queue. */
  snapshot(): FakeLockSnapshot {
    const info = (request: LockRequest): FakeLockInfo => ({
      name: request.name,
      mode: "exclusive",
      clientId: request.tab.clientId,
    });
    return {
      held: [...this.#held.values()].map(info),
      pending: [...this.#queues.values()].flatMap((queue) => queue.map(info)),
    };
  }

  /** @internal the LockManager's half of request(). */
  enqueue(request: LockRequest, options: FakeLockOptions): void {
    const queue = this.#queue(request.name);
    if (options.ifAvailable === true && (this.#held.has(request.name) || queue.length > 0)) {
      request.state = "done";
      later(() => this.#runCallback(request, null));
      return;
    }
    if (options.steal === true) {
      const holder = this.#held.get(request.name);
      if (holder !== undefined) {
        holder.state = "stolen";
        this.#held.delete(request.name);
        holder.reject(new DOMException("The lock was stolen.", "AbortError"));
      }
      queue.unshift(request);
    } else {
      queue.push(request);
    }
    this.#grantNext(request.name);
  }

  /** @internal an aborted signal drops a request that still waits; a granted one is not affected. */
  dropQueued(request: LockRequest, reason: unknown): void {
    if (request.state !== "queued") return;
    request.state = "done";
    this.#removeQueued(request);
    request.reject(reason);
  }

  /** @internal a closing tab's locks and requests go, without settling their promises. */
  forgetTab(tab: FakeTab): void {
    for (const queue of this.#queues.values()) {
      for (const request of queue.filter((queued) => queued.tab === tab)) {
        request.state = "done";
        this.#removeQueued(request);
      }
    }
    for (const [name, holder] of [...this.#held]) {
      if (holder.tab !== tab) continue;
      holder.state = "done";
      this.#held.delete(name);
      this.#grantNext(name);
    }
  }

  #queue(name: string): LockRequest[] {
    let queue = this.#queues.get(name);
    if (queue === undefined) this.#queues.set(name, (queue = []));
    return queue;
  }

  #removeQueued(request: LockRequest): void {
    const queue = this.#queue(request.name);
    const index = queue.indexOf(request);
    if (index >= 0) queue.splice(index, 1);
  }

  #grantNext(name: string): void {
    if (this.#held.has(name)) return;
    const next = this.#queue(name).shift();
    if (next === undefined) return;
    next.state = "held";
    this.#held.set(name, next);
    later(() => {
      if (next.state === "held") this.#runCallback(next, { name, mode: "exclusive" });
    });
  }

  // The lock lasts until the callback's promise settles; then request() settles with its outcome.
  #runCallback(request: LockRequest, lock: { readonly name: string; readonly mode: "exclusive" } | null): void {
    new Promise<unknown>((resolve) => resolve(request.callback(lock))).then(
      (value) => this.#finish(request, () => request.resolve(value)),
      (error: unknown) => this.#finish(request, () => request.reject(error)),
    );
  }

  #finish(request: LockRequest, settle: () => void): void {
    // An unloaded document's promises never settle; a stolen request was rejected when it was stolen.
    if (request.tab.closed || request.state === "stolen") return;
    if (this.#held.get(request.name) === request) {
      this.#held.delete(request.name);
      this.#grantNext(request.name);
    }
    request.state = "done";
    settle();
  }
}

/** The claims of a test ACS token: whose it is, when it was issued and when it expires. */
export interface AcsClaims {
  /** The `skypeid` claim: the ACS user (default `acs:alice`). */
  readonly user?: string;
  /** The `resourceId` claim (default the one test resource). */
  readonly resourceId?: string;
  /** `iat`, in milliseconds (default: now, on the possibly fake clock). */
  readonly issuedAt?: number;
  /** `exp`, in milliseconds. */
  readonly expiresAt: number;
}

/**
 * An unsigned JWT shaped as an ACS user access token (`skypeid`, `resourceId`, `iat`, `exp`), for the
 * specs of whose tokens a tab takes (C26): its signature is no more checked in a tab than a peer's is.
 *
 * @example
 * ```ts
 * const mallorys = acsJwt({ user: "acs:mallory", expiresAt: Date.now() + 2 * HOUR });
 * ```
 */
export function acsJwt({ user = "acs:alice", resourceId = "resource-1", issuedAt, expiresAt }: AcsClaims): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const iat = (issuedAt ?? Date.now()) / 1000;
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ skypeid: user, resourceId, iat, exp: expiresAt / 1000 })}.c2ln`;
}

/**
 * The token message a same-origin script might post on the channel of `name`: the token, the expiry
 * it claims on this machine's clock (default its `exp`) and the clock offset it claims (default 0).
 *
 * @example
 * ```ts
 * hostile.postMessage(tokenMessageFor(mallorys, { expiresOnTimestamp: Date.now() + 2 * HOUR }));
 * ```
 */
export function tokenMessageFor(
  token: string,
  claim: { readonly expiresOnTimestamp?: number; readonly clockOffsetMs?: number } = {},
): Record<string, unknown> {
  const exp = (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { exp: number }).exp;
  return {
    type: "rx-communication-common/token",
    token,
    expiresOnTimestamp: claim.expiresOnTimestamp ?? exp * 1000,
    clockOffsetMs: claim.clockOffsetMs ?? 0,
  };
}
