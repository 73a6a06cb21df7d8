import { TokenEndpointError } from "../errors.js";
import { discardBody, isRedirectAnswer, REDIRECT_STATUSES } from "../support/redirectAnswer.js";
import { assertSecureUrl } from "../support/secureUrl.js";

// A token endpoint's redirects (A1, C27). tokenEndpoint asks fetch not to follow them
// (`redirect: "manual"`, unless init.redirect says otherwise): a redirect is an answer it does not
// take, so that the request's headers (a CSRF token, a session bearer from init) go nowhere but to
// the URL that was checked. A token route that redirects is most often one sending a signed-out user
// to a sign-in page. Where the caller asks fetch to follow (init.redirect "follow"), or a custom fetch
// follows anyway, the answer is taken only from where a token may come from: https, or a loopback
// host (unless allowInsecureConnection); from elsewhere the request has gone, but its token is not used.

const HINT =
  " A token route that redirects usually sends a signed-out user to a sign-in page: is the user signed in? " +
  'To follow redirects, set init: { redirect: "follow" }; the token is still taken only over https or from a ' +
  "loopback host.";

function parsed(url: string | null, base?: string): URL | undefined {
  if (url === null || url === "") return undefined;
  try {
    return new URL(url, base);
  } catch {
    return undefined;
  }
}

/**
 * Throws when `response` is a redirect, or the answer of one followed to where a token must not come
 * from: an InsecureConnectionError, naming only the origin, for a redirect (followed or not) to plain
 * http on a host that is not a loopback one, unless `allowInsecureConnection`; a TokenEndpointError with
 * the answer's status (0 for a browser's opaque redirect) for any other redirect not followed. The
 * body is cancelled unread. Returns for every other answer.
 */
export function refuseRedirect(
  response: Response,
  requested: string,
  where: string,
  allowInsecureConnection: boolean,
): void {
  const followedTo = response.redirected === false ? undefined : parsed(response.url);
  const location = REDIRECT_STATUSES.has(response.status)
    ? parsed(response.headers.get("location"), followedTo?.href ?? requested)
    : undefined;
  const notFollowed = isRedirectAnswer(response);
  if (followedTo === undefined && !notFollowed) return;
  try {
    if (followedTo !== undefined) assertSecureUrl(followedTo, "take a token redirected to", allowInsecureConnection);
    if (location !== undefined) assertSecureUrl(location, "follow a redirect to", allowInsecureConnection);
  } catch (error) {
    discardBody(response);
    throw error;
  }
  if (!notFollowed) return;
  discardBody(response);
  const answered = response.type === "opaqueredirect" ? "with a redirect" : `${response.status}, a redirect`;
  throw new TokenEndpointError(
    `The token endpoint ${where} answered ${answered}, which tokenEndpoint does not follow.${HINT}`,
    response.status,
  );
}
