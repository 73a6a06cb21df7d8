import { hmacSha256Base64, isBase64, sha256Base64 } from "../../lib/auth/webCrypto.js";

/** The published vectors of the Azure SDK (test/internal/cryptoUtils.spec.ts), on Web Crypto. */
describe("Web Crypto hashing (the vectors of the Azure SDK's signing tests)", () => {
  it.each([
    ["banana", "tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4="],
    ["😀", "8EQ6NCxe9UeDoRG1G6Vsk45HTDIyTZDDpgycjjo34tk="],
    ["", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="],
  ])("sha256(%p) = %s", async (content, hash) => {
    expect(await sha256Base64(content)).toBe(hash);
    expect(await sha256Base64(new TextEncoder().encode(content))).toBe(hash);
  });

  it.each([
    ["banana", "88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8="],
    ["😀", "1rudJKjn2Zi+3hRrBG29wIF6pD6YyAeQR1ZcFtXoKAU="],
  ])('hmac("pw==", %p) = %s', async (content, signature) => {
    expect(await hmacSha256Base64("pw==", content)).toBe(signature);
  });

  it.each([
    ["pw==", true],
    ["aGVsbG8=", true],
    ["", false],
    ["pw=", false],
    ["not base64!", false],
    ["abc", false],
    ["ab==cd==", false],
  ])("isBase64(%p) is %p", (value, expected) => {
    expect(isBase64(value)).toBe(expected);
  });
});
