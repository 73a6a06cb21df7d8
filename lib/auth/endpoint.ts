import { InsecureConnectionError, InvalidEndpointError } from "../errors.js";

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

/**
 * True for a host that never leaves the machine: `localhost`, 127.0.0.0/8 or `[::1]`. Not
 * `*.localhost`: browsers resolve it to loopback, but Node asks DNS, which may answer anything.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** True when a bearer token sent to `url` could be read on the network: neither https nor a loopback host. */
export function isInsecureBearerTarget(url: URL): boolean {
  return url.protocol !== "https:" && !isLoopbackHost(url.hostname);
}

/**
 * Throws InsecureConnectionError when a bearer token (`what`) would travel to `url` over plain
 * `http://` to a host other than a loopback one, as the Azure SDK's bearer policy refuses; `https:`
 * URLs and loopback hosts pass, and so does anything with `allowInsecureConnection` (for tests).
 */
export function assertSecureBearerTarget(url: URL, what: string, allowInsecureConnection = false): void {
  if (allowInsecureConnection || !isInsecureBearerTarget(url)) return;
  throw new InsecureConnectionError(
    `Refusing to send ${what} to ${url.protocol}//${url.host}: bearer tokens travel only over https ` +
      "(or to a loopback host). Use an https URL, or allowInsecureConnection: true in tests.",
  );
}
