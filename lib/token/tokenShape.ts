import { InvalidTokenError } from "../errors.js";

// RFC 7235 token68 (what may follow "Bearer " in an Authorization header), read per dot-separated
// segment: a JWT is base64url segments joined by dots, and some issuers keep each segment's base64
// `=` padding, so `=` may end every segment, not only the whole string.
const TOKEN68_SEGMENTS = /^(?!=)[A-Za-z0-9\-_~+/]*=*(?:\.[A-Za-z0-9\-_~+/]*=*)*$/;

// What `${value}` gives for a missing value, e.g. `${json.token}` when the answer has no `token`.
const MISSING_VALUE = /^(?:undefined|null|NaN)$/;

// A token endpoint's error text (a status text, or an error code) read as if it were the token.
const HTTP_ERROR_WORDS = [
  "unauthori[sz]ed",
  "forbidden",
  "not\\s*found",
  "bad\\s*request",
  "(?:service\\s*)?unavailable",
  "internal\\s*server\\s*error",
  "bad\\s*gateway",
  "gateway\\s*timeout",
  "too\\s*many\\s*requests",
  "error",
];
const HTTP_ERROR_TEXT = new RegExp(`^(?:\\d{3}\\s*)?(?:${HTTP_ERROR_WORDS.join("|")})$`, "i");

/**
 * Why a string of token characters (or a short error text) still cannot be a token, or undefined
 * when it may be one.
 */
function tokenLikeMistake(value: string): string | undefined {
  if (MISSING_VALUE.test(value)) {
    return "it is a missing value turned into a string (e.g. `${json.token}` when the answer has no `token`).";
  }
  if (HTTP_ERROR_TEXT.test(value)) {
    return "it looks like the token endpoint's error answer: check `response.ok` before reading the token.";
  }
  // "eyJ" is base64url for `{"`, the start of a JWT's header: a JWT has 3 segments, an encrypted one (JWE) 5.
  const segments = value.split(".").length;
  if (value.startsWith("eyJ") && segments !== 3 && segments !== 5 && TOKEN68_SEGMENTS.test(value)) {
    const parts = segments === 1 ? "1 dot-separated part" : `${segments} dot-separated parts`;
    return `it looks like a JWT cut short: it has ${parts}, not 3 (or 5 for an encrypted one).`;
  }
  return undefined;
}

/** The likely mistake behind a string that cannot be a token, described without quoting it. */
function likelyMistake(value: string): string {
  const text = value.trim();
  // Before the JSON test, which "[object …]" would pass as an array.
  if (text === "[object Response]") return "it is a fetch Response turned into a string: read its body first.";
  if (text === "[object Promise]") return "it is a Promise turned into a string: a missing `await`?";
  if (/^\[object \w+\]$/.test(text)) {
    return "it is an object turned into a string: pass its `token` (a string), or the object itself.";
  }
  if (text.startsWith("{") || text.startsWith("[")) {
    return "it looks like JSON text: did you mean `(await response.json()).token` instead of `.text()`?";
  }
  if (text.startsWith('"')) return "it is in quotes, like JSON text: did you mean `await response.json()`?";
  if (/^bearer\s/i.test(text))
    return "it starts with `Bearer `: pass the token alone, the prefix is added when it is sent.";
  if (text.startsWith("<")) return "it looks like an HTML page: the token endpoint answered with a page, not a token.";
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(text)) {
    return "it looks like a URL: pass the token your endpoint returns, not the endpoint's address.";
  }
  const tokenLike = tokenLikeMistake(text);
  if (tokenLike !== undefined) return tokenLike;
  if (text !== value) return "it has white space around it (a trailing newline?): trim it.";
  if (/\s/.test(text)) return "it contains white space.";
  return "it contains characters a token cannot have.";
}

/**
 * Throws InvalidTokenError unless `value` looks like a token: a JWT, or an opaque token of RFC 7235
 * `token68` characters (`=` padding allowed at the end of each dot-separated segment) (C1). Catches
 * the usual mistakes, such as a whole JSON answer passed on with `.text()`, `undefined` or an error
 * text such as `Unauthorized` read as the token, or a JWT cut short, and names the likely one; the
 * message never contains the value, which may hold a token.
 */
export function assertTokenShape(value: string, source: string): void {
  if (value.trim() === "") throw new InvalidTokenError(`The ${source} is an empty string.`);
  const mistake = TOKEN68_SEGMENTS.test(value) ? tokenLikeMistake(value) : likelyMistake(value);
  if (mistake === undefined) return;
  throw new InvalidTokenError(
    `The ${source} is not a token: ${mistake} ` + "A token is a JWT or an opaque token of RFC 7235 token68 characters.",
  );
}

/** Describes a non-token value for a message: its type, or for an object its keys (never its values). */
export function describeNonToken(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value !== "object") return `a ${typeof value}`;
  const candidate = value as { status?: unknown; json?: unknown };
  if (typeof candidate.status === "number" && typeof candidate.json === "function") {
    return "a fetch Response: read its body first, e.g. `(await response.json()).token`";
  }
  const keys = Object.keys(value).slice(0, 5);
  return keys.length === 0
    ? "an object without a string `token`"
    : `an object without a string \`token\` (its keys: ${keys.join(", ")})`;
}
