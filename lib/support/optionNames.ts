// The one check of option names, and the messages for arguments that are almost right: a misspelt
// option, or refresh options without the tokenRefresher they need.

// Levenshtein distance: small enough to write out, and only ever run on an error path.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

// A plural for a singular name ("retries" for retry, "scopess"), or the other way round: compared in
// the singular, the two are one name.
function singular(name: string): string {
  return name.replace(/ies$/, "y").replace(/s$/, "");
}

/**
 * The known name `key` was most likely meant to be: a close misspelling, its plural or singular, or
 * one that contains it when `key` has at least `minContainedLength` characters (every long name
 * contains a key like `exp`).
 */
function closestName(key: string, known: Iterable<string>, minContainedLength = 1): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const contained = lower.length >= minContainedLength && name.toLowerCase().includes(lower);
    const sameInSingular = singular(lower) === singular(name.toLowerCase());
    const distance = contained || sameInSingular ? 1 : editDistance(lower, name.toLowerCase());
    if (distance <= Math.max(2, Math.floor(name.length / 4)) && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

/** An option's value for a message; strings are quoted so that "30000" does not read like the valid 30000. */
export function describeOptionValue(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "number" || value === undefined || value === null) return String(value);
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** "Unknown option options.tokenRefresh: did you mean tokenRefresher?" */
function unknownOptionMessage(key: string, known: Iterable<string>, prefix = "options."): string {
  const suggestion = closestName(key, known);
  return `Unknown option ${prefix}${key}${suggestion === undefined ? "." : `: did you mean ${suggestion}?`}`;
}

/**
 * How {@link rejectUnknownOptions} words its TypeError, and which unknown names it lets through.
 *
 * @example
 * ```ts
 * const rule: UnknownOptionRule = { caller: "tokenEndpoint: ", prefix: "options.retry." };
 * ```
 */
export interface UnknownOptionRule {
  /** What stands before the name in the message: `"options."` (the default), `"options.retry."`, `"refreshLimiter."`. */
  readonly prefix?: string | undefined;
  /** What opens the message, naming the function that was called: `"tokenEndpoint: "`. Default: nothing. */
  readonly caller?: string | undefined;
  /** What follows the message: what the function takes, say. Default: nothing. */
  readonly hint?: string | undefined;
  /**
   * Lets through a name close to no known one, refusing only misspellings: for an open shape such as
   * RequestInit, whose names runtimes keep adding to, where an unknown name is no mistake but a
   * misspelt one would be dropped without a word. Default false.
   */
  readonly misspellingsOnly?: boolean | undefined;
}

/**
 * The one check of option names (C2): throws a TypeError for the first own key of `options` that is
 * not in `known`, naming it and, when one is close (a misspelling, a plural), the name it most likely
 * meant: "Unknown option options.retries: did you mean retry?".
 *
 * @example
 * ```ts
 * rejectUnknownOptions({ retries: 3 }, new Set(["fetch", "init", "retry"]), { caller: "tokenEndpoint: " });
 * // TypeError: tokenEndpoint: Unknown option options.retries: did you mean retry?
 * ```
 */
export function rejectUnknownOptions(options: object, known: ReadonlySet<string>, rule: UnknownOptionRule = {}): void {
  const { prefix = "options.", caller = "", hint = "", misspellingsOnly = false } = rule;
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    if (misspellingsOnly && closestName(key, known) === undefined) continue;
    throw new TypeError(`${caller}${unknownOptionMessage(key, known, prefix)}${hint === "" ? "" : ` ${hint}`}`);
  }
}

const ACCESS_TOKEN_FIELDS = new Set(["token", "expiresOnTimestamp", "expiresOn"]);

/**
 * True for an object that reads as a token with fields of its own: a string `token` and no other key
 * that is, or is a close misspelling of, a refresh option. `@azure/core-auth`'s AccessToken carries
 * `refreshAfterTimestamp` and `tokenType`, `createUserAndToken()` answers `{ user, token, expiresOn }`;
 * their extra keys are ignored, while `{ token, tokenRefresh: fetchToken }` stays a typo to report.
 */
function isTokenWithExtraFields(value: object, refreshOptionNames: ReadonlySet<string>): boolean {
  if (typeof (value as { token?: unknown }).token !== "string") return false;
  return Object.keys(value).every(
    (key) =>
      ACCESS_TOKEN_FIELDS.has(key) ||
      (!refreshOptionNames.has(key) && closestName(key, refreshOptionNames, 5) === undefined),
  );
}

/**
 * Why an object that has no `tokenRefresher` and is no Entra options is not a static AccessToken
 * either, or undefined when it may be one (C1: keys beyond the token's own are ignored).
 * `refreshOptionNames` are the refresh options' names.
 */
export function misshapenArgumentMessage(value: object, refreshOptionNames: ReadonlySet<string>): string | undefined {
  const keys = Object.keys(value);
  if (keys.every((key) => ACCESS_TOKEN_FIELDS.has(key))) return undefined;
  if (isTokenWithExtraFields(value, refreshOptionNames)) return undefined;
  const unknown = keys.find((key) => !refreshOptionNames.has(key) && !ACCESS_TOKEN_FIELDS.has(key));
  if (unknown !== undefined) {
    return (
      `${unknownOptionMessage(unknown, [...refreshOptionNames, ...ACCESS_TOKEN_FIELDS])} ` +
      "CommunicationTokenCredential expects a token string, an AccessToken, options with a tokenRefresher, " +
      "or Entra ID options with a resourceEndpoint and a tokenCredential."
    );
  }
  const named = keys.filter((key) => !ACCESS_TOKEN_FIELDS.has(key)).join(", ");
  return (
    `options.tokenRefresher is missing: ${named} need${named.includes(",") ? "" : "s"} a tokenRefresher that ` +
    "fetches new tokens. For a token that is never renewed, pass the token alone."
  );
}
