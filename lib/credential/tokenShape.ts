import { InvalidTokenError } from "../errors.js";

// RFC 7235 token68: what may follow "Bearer " in an Authorization header. A JWT (three base64url
// segments joined by dots) is made of these characters too.
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The likely mistake behind a string that cannot be a token, described without quoting it. */
function likelyMistake(value: string): string {
  const text = value.trim();
  if (text === "[object Response]") return "it is a fetch Response turned into a string: read its body first.";
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
  if (text !== value) return "it has white space around it (a trailing newline?): trim it.";
  if (/\s/.test(text)) return "it contains white space.";
  return "it contains characters a token cannot have.";
}

/**
 * Throws InvalidTokenError unless `value` looks like a token: a JWT, or an opaque token of RFC 7235
 * `token68` characters (C1). Catches the usual mistakes, such as a whole JSON answer passed on with
 * `.text()`, and names the likely one; the message never contains the value, which may hold a token.
 */
export function assertTokenShape(value: string, source: string): void {
  if (value.trim() === "") throw new InvalidTokenError(`The ${source} is an empty string.`);
  if (TOKEN68.test(value)) return;
  throw new InvalidTokenError(
    `The ${source} is not a token: ${likelyMistake(value)} ` +
      "A token is a JWT or an opaque token of RFC 7235 token68 characters.",
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
