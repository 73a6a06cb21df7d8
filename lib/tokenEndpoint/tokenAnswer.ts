import { jwtExpiryOf, type TokenInput } from "../token/accessToken.js";
import { CLOCK_TOLERANCE_MS } from "../token/issuerClock.js";
import { InvalidTokenError } from "../errors.js";

// Reads a token endpoint's 2xx answer into what the credential takes, without judging the token
// itself: the credential's own checks (toAccessToken, C1) do that, with their hints. Here, only an
// answer that cannot hold a token at all is refused, described by its form (status, content type,
// JSON keys), never by its content.

// application/json and its structured-syntax relatives, such as application/vnd.contoso+json.
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/;
const PAGE_MEDIA_TYPE = /^(?:text\/html|application\/xhtml\+xml)$/;
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
// A JSON key shown in a message: a short name. Anything else (a long key could be a token) is counted.
const SHOWN_KEY = /^[A-Za-z_$][\w$-]{0,31}$/;
const MAX_SHOWN_KEYS = 6;

const EXPECTED_SHAPES =
  "A token endpoint answers JSON { token, expiresOn } or { token, expiresOnTimestamp }, or the token alone as " +
  "text (not text/html).";

/** A Content-Type's media type, lower case, without parameters such as `charset`; "" when there is none. */
function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
}

function describeMediaType(mediaType: string): string {
  if (mediaType === "") return "no Content-Type";
  return MEDIA_TYPE.test(mediaType) ? `Content-Type ${mediaType}` : "an unreadable Content-Type";
}

function describeKeys(value: object): string {
  const keys = Object.keys(value);
  if (keys.length === 0) return "no keys";
  const shown = keys.filter((key) => SHOWN_KEY.test(key)).slice(0, MAX_SHOWN_KEYS);
  const others = keys.length - shown.length;
  if (shown.length === 0) return `${others} key${others === 1 ? "" : "s"}, not shown`;
  return `keys: ${shown.join(", ")}${others === 0 ? "" : ` and ${others} more`}`;
}

/** What a parsed JSON value that is no token looks like, by its type and keys alone. */
function describeJson(value: unknown): string {
  if (value === null) return "JSON null";
  if (Array.isArray(value)) return "a JSON array";
  if (typeof value !== "object") return `a JSON ${typeof value}`;
  const token = (value as { token?: unknown }).token;
  const what =
    token === undefined ? "without a `token`" : `whose \`token\` is ${token === null ? "null" : `a ${typeof token}`}`;
  return `a JSON object ${what} (${describeKeys(value)})`;
}

function refuse(where: string, status: number, mediaType: string, what: string): never {
  throw new InvalidTokenError(
    `The token endpoint ${where} answered ${status} with ${describeMediaType(mediaType)} and ${what}. ` +
      EXPECTED_SHAPES,
  );
}

function fromJson(text: string, refuseAs: (what: string) => never): TokenInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuseAs("a body that is not JSON");
  }
  // A JSON string is a bare token in quotes: some frameworks serialize a returned string that way.
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as { token?: unknown }).token === "string") {
    // Passed on as it is: the credential checks the token and reads `expiresOn` or `expiresOnTimestamp`.
    return value as TokenInput;
  }
  return refuseAs(describeJson(value));
}

/**
 * The token in a 2xx answer read as text (by fetch, or by Angular's HttpClient), as the credential
 * takes it: for JSON (application/json or `+json`, or a body that opens like a JSON object or string)
 * the parsed object with a string `token`, or a JSON string; otherwise the body as text, less one
 * trailing newline. An answer that cannot hold a token (an empty body, a page, JSON that is no object
 * with a string `token`) is an InvalidTokenError naming `where`, the status, the content type and, for
 * JSON, the type and keys: never the body.
 */
export function tokenInAnswer(status: number, contentType: string | null, text: string, where: string): TokenInput {
  const mediaType = mediaTypeOf(contentType);
  const refuseAs = (what: string): never => refuse(where, status, mediaType, what);
  if (text.trim() === "") return refuseAs("an empty body");
  // A body that opens like a JSON object or string is read as JSON whatever its Content-Type: some
  // servers omit the header or send text/plain or text/html (Express's res.send of a string), and
  // no bare token starts with "{" or a quote.
  const looksLikeJson = /^\s*[{"]/.test(text);
  if (JSON_MEDIA_TYPE.test(mediaType) || looksLikeJson) return fromJson(text, refuseAs);
  if (PAGE_MEDIA_TYPE.test(mediaType) || text.trimStart().startsWith("<")) {
    return refuseAs("a body that looks like a web page (an app's fallback route answering for a missing one?)");
  }
  // One newline, as `echo` or a template leaves it; more white space is the credential's to report.
  return text.replace(/\r?\n$/, "");
}

/**
 * The answer with the server's clock offset added (C25), so that the credential judges the token on
 * the server's clock. A bare JWT becomes `{ token, expiresOnTimestamp }` from its `exp` to carry it; an
 * answer the credential will refuse anyway, or no offset at all, is left as it is.
 */
export function withClockOffset(answer: TokenInput, clockOffsetMs: number | undefined): TokenInput {
  if (clockOffsetMs === undefined || Math.abs(clockOffsetMs) < CLOCK_TOLERANCE_MS) return answer;
  if (typeof answer !== "string")
    return typeof answer === "object" && answer !== null ? { ...answer, clockOffsetMs } : answer;
  const expiresOnTimestamp = jwtExpiryOf(answer);
  return expiresOnTimestamp === undefined ? answer : { token: answer, expiresOnTimestamp, clockOffsetMs };
}
