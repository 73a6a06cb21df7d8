import { inspect } from "node:util";
import {
  AccessKeyCredential,
  InvalidAccessKeyError,
  InvalidConnectionStringError,
  InvalidEndpointError,
  parseClientArguments,
  parseConnectionString,
} from "../../lib/index.js";
import { errorOf } from "../support/errorOf.js";

const SECRET_KEY = "c2VjcmV0LWtleS0xMjM0NTY3ODkw"; // base64 of "secret-key-1234567890"

describe("connection strings (the Azure SDK's test cases, contract A4)", () => {
  it("the Azure test's string: endpoint and access key, the endpoint as its origin (issue 10, 11: not as written, :443/, which joins badly)", () => {
    const { endpoint, credential } = parseConnectionString(
      `endpoint=https://contoso.communicationservices.azure.com:443/;accesskey=${SECRET_KEY}`,
    );
    expect(endpoint).toBe("https://contoso.communicationservices.azure.com");
    expect(credential).toBeInstanceOf(AccessKeyCredential);
    expect(credential.key).toBe(SECRET_KEY);
  });

  it.each([
    ["with a trailing slash", "https://contoso.communication.azure.com/"],
    ["without one", "https://contoso.communication.azure.com"],
    ["with the default port", "https://contoso.communication.azure.com:443"],
    ["with an upper-case host", "https://CONTOSO.Communication.Azure.com/"],
  ])(
    "issue 10, 11: an endpoint written %s comes back in one form, so `${endpoint}/identities` is right",
    (_, written) => {
      const { endpoint } = parseConnectionString(`endpoint=${written};accesskey=${SECRET_KEY}`);
      expect(endpoint).toBe("https://contoso.communication.azure.com");
      expect(new URL(`${endpoint}/identities`).pathname).toBe("/identities");
    },
  );

  it("keeps a port that is not the default", () => {
    expect(parseConnectionString(`endpoint=http://127.0.0.1:8080/;accesskey=${SECRET_KEY}`).endpoint).toBe(
      "http://127.0.0.1:8080",
    );
  });

  it.each<[string, string, RegExp]>([
    ["a path", "https://x.communication.azure.com/path", /it must have no path/],
    ["a query", "https://x.communication.azure.com/?a=1", /it must have no query/],
    ["a fragment", "https://x.communication.azure.com/#top", /it must have no fragment/],
    ["a login", "https://user:pw@x.communication.azure.com/", /it must not carry/],
    ["no URL at all", "contoso", /it is not an absolute URL/],
  ])("checks the endpoint as any endpoint: rejects %s with InvalidEndpointError", (_, written, message) => {
    const error = errorOf(() => parseConnectionString(`endpoint=${written};accesskey=${SECRET_KEY}`));
    expect(error).toBeInstanceOf(InvalidEndpointError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).not.toContain("user:");
    expect(error.message).not.toContain("pw");
  });

  it.each([
    `ENDPOINT=https://x.communication.azure.com/;AccessKey=${SECRET_KEY}`,
    `accesskey=${SECRET_KEY};endpoint=https://x.communication.azure.com/`,
    `endpoint=https://x.communication.azure.com/;accesskey=${SECRET_KEY};`,
    ` endpoint = https://x.communication.azure.com/ ; accesskey = ${SECRET_KEY} `,
  ])(
    "accepts %s (any case, any order, a trailing ;, spaces), giving the endpoint without its trailing slash (issue 10, 11)",
    (connectionString) => {
      const { endpoint, credential } = parseConnectionString(connectionString);
      expect(endpoint).toBe("https://x.communication.azure.com");
      expect(credential.key).toBe(SECRET_KEY);
    },
  );

  it.each<[string, unknown, RegExp]>([
    ["prose (the Azure test)", "Lorem ipsum dolor connection string", /^Invalid connection string: part 1 is neither/],
    ["an empty string", "", /it must be a non-empty string/],
    ["a non-string", 42, /it must be a non-empty string/],
    ["no access key", "endpoint=https://x.communication.azure.com/", /it has no accesskey=… part/],
    ["an empty access key", "endpoint=https://x.communication.azure.com/;accesskey=", /it has no accesskey=… part/],
    ["no endpoint", `accesskey=${SECRET_KEY}`, /it has no endpoint=… part/],
    ["two endpoints", `endpoint=a;endpoint=b;accesskey=${SECRET_KEY}`, /more than one endpoint/],
    ["an unknown part", `endpoint=https://x/;accesskey=${SECRET_KEY};${SECRET_KEY}`, /part 3 is neither/],
    ["a key that is not base64", "endpoint=https://x/;accesskey=secret key!", /accesskey is unusable/],
    [
      "a string in double quotes, copied from a .env file",
      `"endpoint=https://x.communication.azure.com/;accesskey=${SECRET_KEY}"`,
      /^Invalid connection string: it is wrapped in quotes, as copied from a \.env file or JSON: pass the value without the quotes\.$/,
    ],
    [
      "a string in single quotes",
      `'endpoint=https://x.communication.azure.com/;accesskey=${SECRET_KEY}'`,
      /it is wrapped in quotes/,
    ],
    [
      "a string that kept its closing quote",
      `endpoint=https://x.communication.azure.com/;accesskey=${SECRET_KEY}"`,
      /it ends with a quote/,
    ],
  ])("rejects %s with InvalidConnectionStringError, never echoing it", (_, connectionString, message) => {
    const error = errorOf(() => parseConnectionString(connectionString as string));
    expect(error).toBeInstanceOf(InvalidConnectionStringError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET_KEY);
    expect(error.message).not.toContain("secret key!");
    if (typeof connectionString === "string" && connectionString.length > 0) {
      expect(error.message).not.toContain(connectionString);
    }
  });
});

describe("AccessKeyCredential", () => {
  it("rotates with update(newKey), like AzureKeyCredential", () => {
    const credential = new AccessKeyCredential(SECRET_KEY);
    credential.update("cGF0Y2hlZA==");
    expect(credential.key).toBe("cGF0Y2hlZA==");
  });

  it.each(["", "not base64!", 42, undefined])("rejects %p with InvalidAccessKeyError", (key) => {
    expect(() => new AccessKeyCredential(key as string)).toThrow(InvalidAccessKeyError);
  });

  it("a rejected update keeps the old key", () => {
    const credential = new AccessKeyCredential(SECRET_KEY);
    expect(() => credential.update("")).toThrow(InvalidAccessKeyError);
    expect(credential.key).toBe(SECRET_KEY);
  });

  it("C20: the key never shows in util.inspect or JSON", () => {
    const credential = new AccessKeyCredential(SECRET_KEY);
    expect(inspect(credential, { showHidden: true, depth: Infinity, getters: true })).not.toContain(SECRET_KEY);
    expect(JSON.stringify({ credential })).not.toContain(SECRET_KEY);
    expect(inspect(parseConnectionString(`endpoint=https://x/;accesskey=${SECRET_KEY}`))).not.toContain(SECRET_KEY);
  });
});

describe("parseClientArguments (the Azure SDK's test cases, contract A4)", () => {
  const key = new AccessKeyCredential(SECRET_KEY);

  it("the Azure test: an endpoint and a key credential pass through unchanged", () => {
    const { url, credential } = parseClientArguments("https://contoso.communicationservices.azure.com", key);
    expect(url).toBe("https://contoso.communicationservices.azure.com");
    expect(credential).toBe(key);
  });

  it("an endpoint and a token credential pass through unchanged", () => {
    const tokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: 0 }) };
    expect(parseClientArguments("https://x.communication.azure.com/", tokenCredential).credential).toBe(
      tokenCredential,
    );
  });

  it("a connection string gives its endpoint, in parseConnectionString's form (no trailing slash, issue 10, 11), and key", () => {
    const { url, credential } = parseClientArguments(
      `endpoint=https://x.communication.azure.com/;accesskey=${SECRET_KEY}`,
    );
    expect(url).toBe("https://x.communication.azure.com");
    expect((credential as AccessKeyCredential).key).toBe(SECRET_KEY);
  });

  it.each<[string, string, RegExp]>([
    [
      "the Azure test: a file URL",
      "file://banana/fofana.txt",
      /^Invalid endpoint url: the scheme file: is not http or https\.$/,
    ],
    [
      "another scheme, naming only the scheme",
      "foo:user:pw@x",
      /^Invalid endpoint url: the scheme foo: is not http or https\.$/,
    ],
    ["a path", "https://x.communication.azure.com/path", /it must have no path/],
    ["not a URL", "contoso", /^Invalid endpoint url: it is not an absolute URL/],
    ["a query", "https://x.communication.azure.com/?api-version=1", /: it must have no query\.$/],
    ["an empty query", "https://x.communication.azure.com/?", /: it must have no query\.$/],
    ["a fragment", "https://x.communication.azure.com/#top", /: it must have no fragment\.$/],
    ["an empty fragment", "https://x.communication.azure.com#", /: it must have no fragment\.$/],
  ])("rejects %s with InvalidEndpointError", (_, endpoint, message) => {
    const error = errorOf(() => parseClientArguments(endpoint, key));
    expect(error).toBeInstanceOf(InvalidEndpointError);
    expect(error.message).toMatch(message);
  });

  // The message says "user name or password" in words, so the test looks for the login's own text.
  it.each([
    "https://user:pw@x.communication.azure.com",
    "https://user@x.communication.azure.com/",
    "https://:pw@x.example",
  ])("rejects a login before the host without repeating it: %s", (endpoint) => {
    const error = errorOf(() => parseClientArguments(endpoint, key));
    expect(error).toBeInstanceOf(InvalidEndpointError);
    expect(error.message).toMatch(/it must not carry a user name or password\.$/);
    expect(error.message).not.toMatch(/user[:@]/);
    expect(error.message).not.toContain("pw");
    expect(error.message).not.toContain("@");
  });

  it("a connection string passed where an endpoint belongs is not echoed", () => {
    const error = errorOf(() => parseClientArguments(`endpoint=https://x/;accesskey=${SECRET_KEY}`, key));
    expect(error).toBeInstanceOf(InvalidEndpointError);
    expect(error.message).not.toContain(SECRET_KEY);
  });

  it("A4: names only the scheme and host, never the path: a connection string's tail there holds the key", () => {
    const error = errorOf(() =>
      parseClientArguments(`https://contoso.communication.azure.com/;accesskey=${SECRET_KEY}`, key),
    );
    expect(error).toBeInstanceOf(InvalidEndpointError);
    expect(error.message).toBe("Invalid endpoint url https://contoso.communication.azure.com: it must have no path.");
  });

  it("a connection string whose endpoint has a path is rejected", () => {
    expect(() => parseClientArguments(`endpoint=https://x/path;accesskey=${SECRET_KEY}`)).toThrow(InvalidEndpointError);
  });
});
