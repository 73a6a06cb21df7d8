import { inspect } from "node:util";
import { CommunicationTokenCredential, type AccessToken, type CredentialState } from "../../../lib/index.js";
import { HOUR, jwtValidFor } from "../../support/tokens.js";

// C20 (issue 22, item 6): exactly what the README's paragraph under "## Errors" and C20 say is hidden,
// and exactly what they say is not. If one of these changes, so must the README and the contract.

const secret = jwtValidFor(HOUR);

async function readyCredential(): Promise<{
  credential: CommunicationTokenCredential;
  token: AccessToken;
  state: CredentialState;
}> {
  const credential = new CommunicationTokenCredential({ tokenRefresher: () => secret, token: secret });
  const token = await credential.getToken();
  let state: CredentialState | undefined;
  credential.state$.subscribe((s) => (state = s)).unsubscribe();
  if (state?.status !== "ready") throw new Error("the credential should be ready");
  return { credential, token, state };
}

describe("C20: what redaction hides, and where (README, C20)", () => {
  let credential: CommunicationTokenCredential;
  let token: AccessToken;
  let state: CredentialState;
  beforeEach(async () => ({ credential, token, state } = await readyCredential()));
  afterEach(() => credential.dispose());

  it("C20: the token is still plain data for code that uses it", () => {
    expect(token.token).toBe(secret);
    expect(state.status === "ready" && state.token.token).toBe(secret);
  });

  it("C20: util.inspect of a credential prints its status only", () => {
    expect(inspect(credential)).toBe("CommunicationTokenCredential { status: 'ready' }");
    expect(inspect({ nested: [credential] }, { depth: Infinity, showHidden: true })).not.toContain(secret);
  });

  it("C20: util.inspect of a state shows its token's expiresOnTimestamp only, also nested", () => {
    expect(inspect(state)).toBe(`{ status: 'ready', token: { expiresOnTimestamp: ${token.expiresOnTimestamp} } }`);
    expect(inspect({ nested: [state] }, { depth: Infinity })).not.toContain(secret);
  });

  it("C20: util.inspect of an AccessToken the library hands out prints AccessToken { token: [redacted], … }, also nested", () => {
    expect(inspect(token)).toMatch(/^AccessToken \{ token: \[redacted\], expiresOnTimestamp: /);
    expect(inspect(token)).not.toContain(secret);
    const nested = inspect({ deep: { list: [token], map: new Map([["t", token]]) } }, { depth: Infinity });
    expect(nested).toContain("token: [redacted]");
    expect(nested).not.toContain(secret);
  });

  it('C20: JSON.stringify of a credential gives {"status":"ready"}, of a state its expiresOnTimestamp only, also nested', () => {
    expect(JSON.stringify(credential)).toBe('{"status":"ready"}');
    expect(JSON.parse(JSON.stringify(state))).toEqual({
      status: "ready",
      token: { expiresOnTimestamp: token.expiresOnTimestamp },
    });
    const nested = JSON.stringify({ log: [{ credential, state }] });
    expect(nested).not.toContain(secret);
    expect(JSON.parse(nested)).toEqual({
      log: [
        {
          credential: { status: "ready" },
          state: { status: "ready", token: { expiresOnTimestamp: token.expiresOnTimestamp } },
        },
      ],
    });
  });

  describe("C20: documented limits: these show the token", () => {
    it("C20: JSON.stringify of an AccessToken", () => {
      expect(JSON.parse(JSON.stringify(token))).toEqual({
        token: secret,
        expiresOnTimestamp: token.expiresOnTimestamp,
      });
    });

    it("C20: a spread copy of a state, then JSON.stringify", () => {
      expect(JSON.stringify({ ...state })).toContain(secret);
    });

    it("C20: Object.entries of a state (its token within reach, and in JSON)", () => {
      const entries = Object.entries(state);
      expect(JSON.stringify(entries)).toContain(secret);
      // The AccessToken itself still hides it from util.inspect: only a copy of it loses the hiding.
      expect(inspect(entries, { depth: Infinity })).not.toContain(secret);
    });

    it("C20: structuredClone of a state, in JSON and in util.inspect", () => {
      const clone = structuredClone(state);
      expect(JSON.stringify(clone)).toContain(secret);
      expect(inspect(clone, { depth: Infinity })).toContain(secret);
    });

    it("C20: util.inspect once the AccessToken itself is spread or cloned", () => {
      expect(inspect({ ...token })).toContain(secret);
      expect(inspect(structuredClone(token))).toContain(secret);
    });
  });
});

describe("C20: a failed state as JSON", () => {
  it("C20: keeps its error's name and message, which a JSON logger would otherwise lose as {}", async () => {
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => Promise.reject(new TypeError("token server unreachable")),
    });
    const states: unknown[] = [];
    credential.state$.subscribe((state) => states.push(state));
    await credential.getToken().catch(() => {});
    expect(JSON.parse(JSON.stringify(states.at(-1)))).toEqual({
      status: "failed",
      error: { name: "TypeError", message: "token server unreachable" },
    });
    credential.dispose();
  });
});
