import { createHmac } from "node:crypto";
import { AccessKeyCredential, InvalidAccessKeyError, signRequest } from "../../lib/index.js";

const FIXED_DATE = new Date("2022-04-13T18:09:12.451Z");
const EMPTY_HASH = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const key = new AccessKeyCredential("pw==");

function expectedSignature(base64Key: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(base64Key, "base64")).update(stringToSign, "utf8").digest("base64");
}

describe("signRequest (the Azure SDK's HMAC policy and its test vectors)", () => {
  it("the Azure policy test: GET https://example.com/testPath?testQuery=test", async () => {
    const headers = await signRequest({ method: "GET", url: "https://example.com/testPath?testQuery=test" }, key, {
      date: FIXED_DATE,
    });
    expect(headers).toEqual({
      "x-ms-date": "Wed, 13 Apr 2022 18:09:12 GMT",
      "x-ms-content-sha256": EMPTY_HASH,
      Authorization:
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU=",
    });
    expect(headers.Authorization).toContain(
      expectedSignature(
        "pw==",
        `GET\n/testPath?testQuery=test\nWed, 13 Apr 2022 18:09:12 GMT;example.com;${EMPTY_HASH}`,
      ),
    );
  });

  it("the Azure policy test: GET https://example.com/testPath", async () => {
    const { Authorization } = await signRequest({ method: "GET", url: "https://example.com/testPath" }, key, {
      date: FIXED_DATE,
    });
    expect(Authorization).toBe(
      "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU=",
    );
  });

  it("the Azure policy test: https://example.com gets a signature too", async () => {
    const { Authorization } = await signRequest({ method: "get", url: new URL("https://example.com") }, key);
    expect(Authorization).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=.{44}$/);
  });

  it("hashes the body, a string as UTF-8 and bytes as they are", async () => {
    const text = await signRequest({ method: "POST", url: "https://example.com/", body: "banana" }, key, {
      date: FIXED_DATE,
    });
    const bytes = await signRequest(
      { method: "POST", url: "https://example.com/", body: new TextEncoder().encode("banana") },
      key,
      { date: FIXED_DATE },
    );
    expect(text["x-ms-content-sha256"]).toBe("tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4=");
    expect(bytes).toEqual(text);
  });

  // The JS SDK re-encodes the query through URLSearchParams, so it signs "a=b+c" while "a=b%20c" goes
  // on the wire, and the service rejects the request. We sign what is sent, as .NET does.
  it("signs the path and query exactly as they go on the wire (%20 stays %20)", async () => {
    const url = "https://example.com/path%20x?q=a%20b&empty=&flag";
    const { Authorization } = await signRequest({ method: "GET", url }, key, { date: FIXED_DATE });
    const stringToSign = `GET\n/path%20x?q=a%20b&empty=&flag\nWed, 13 Apr 2022 18:09:12 GMT;example.com;${EMPTY_HASH}`;
    expect(Authorization).toContain(`Signature=${expectedSignature("pw==", stringToSign)}`);
  });

  it("signs a non-default port once, and leaves a default port out, as the Host header has them", async () => {
    const sign = (url: string) => signRequest({ method: "GET", url }, key, { date: FIXED_DATE });
    const withPort = `GET\n/\nWed, 13 Apr 2022 18:09:12 GMT;example.com:8443;${EMPTY_HASH}`;
    const withoutPort = `GET\n/\nWed, 13 Apr 2022 18:09:12 GMT;example.com;${EMPTY_HASH}`;
    expect((await sign("https://example.com:8443/")).Authorization).toContain(expectedSignature("pw==", withPort));
    expect((await sign("https://example.com:443/")).Authorization).toContain(expectedSignature("pw==", withoutPort));
  });

  it("reads the key at each call, so a rotated key signs the next request", async () => {
    const rotating = new AccessKeyCredential("pw==");
    const before = await signRequest({ method: "GET", url: "https://example.com/" }, rotating, { date: FIXED_DATE });
    rotating.update("aGVsbG8=");
    const after = await signRequest({ method: "GET", url: "https://example.com/" }, rotating, { date: FIXED_DATE });
    expect(after.Authorization).not.toBe(before.Authorization);
  });

  it("rejects a key credential whose key is not base64, without showing the key", async () => {
    const error = await signRequest(
      { method: "GET", url: "https://example.com/" },
      { key: "secret-not-base64!" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAccessKeyError);
    expect((error as Error).message).not.toContain("secret-not-base64!");
  });

  it("rejects an invalid URL with a TypeError", async () => {
    await expect(signRequest({ method: "GET", url: "not a url" }, key)).rejects.toThrow(TypeError);
  });
});
