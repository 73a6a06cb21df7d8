import { InvalidEndpointError } from "../errors.js";

/**
 * Throws InvalidEndpointError unless `endpoint` is an http(s) URL with a host and nothing else: no
 * path, no query, no fragment, no user name or password. The message names at most the scheme and
 * host: never a value that is not a URL, nor the userinfo, path, query or fragment of one, any of
 * which may hold a key (`https://contoso.communication.azure.com/;accesskey=…` is a connection
 * string's tail that parses as a URL with a path).
 */
export function assertValidEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new InvalidEndpointError(
      "Invalid endpoint url: it is not an absolute URL such as https://contoso.communication.azure.com.",
    );
  }
  // Only the scheme of a non-http(s) URL is named: the rest of, say, `foo:user:pw@x` is all "path".
  if (!/^https?:$/.test(url.protocol)) {
    throw new InvalidEndpointError(`Invalid endpoint url: the scheme ${url.protocol} is not http or https.`);
  }
  const problem =
    url.host === ""
      ? "it has no host"
      : url.username !== "" || url.password !== ""
        ? "it must not carry a user name or password"
        : url.pathname !== "" && url.pathname !== "/"
          ? "it must have no path"
          : url.search !== "" || endpoint.includes("?")
            ? "it must have no query"
            : url.hash !== "" || endpoint.includes("#")
              ? "it must have no fragment"
              : undefined;
  if (problem !== undefined) {
    throw new InvalidEndpointError(`Invalid endpoint url ${url.protocol}//${url.host}: ${problem}.`);
  }
}
