import { TokenExpiredError } from "../../lib/index.js";
import { TokenKeeper } from "../../lib/refresh/tokenKeeper.js";

describe("TokenKeeper without a refresher", () => {
  it("C7: holding no token, getToken rejects with TokenExpiredError instead of throwing a RangeError", async () => {
    const keeper = new TokenKeeper(undefined);
    const error = (await keeper.getToken().catch((e: unknown) => e)) as TokenExpiredError;
    expect(error).toBeInstanceOf(TokenExpiredError);
    expect(error.message).toBe("The credential holds no token and has no tokenRefresher.");
    keeper.dispose();
  });
});
