import type {
  CommunicationGetTokenOptions as AzureGetTokenOptions,
  CommunicationTokenCredential as AzureCredentialInterface,
  CommunicationTokenRefreshOptions as AzureRefreshOptions,
} from "@azure/communication-common";
import { AzureCommunicationTokenCredential, CommunicationTokenCredential } from "../../../lib/index.js";
import { HOUR, jwtValidFor } from "../../support/tokens.js";

/**
 * C22: our credential is assignable to @azure/communication-common's CommunicationTokenCredential
 * interface, and Azure-typed options and calls work unchanged. The assignments below are checked by
 * the type-check that `npm test` runs first; the handing-over to real ACS clients is tested in the
 * interop suite.
 */
describe("C22: Azure SDK compatibility", () => {
  it("C22: is assignable to the Azure CommunicationTokenCredential interface and answers its calls", async () => {
    const token = jwtValidFor(HOUR);
    const asAzure: AzureCredentialInterface = new CommunicationTokenCredential(token);
    const options: AzureGetTokenOptions = { abortSignal: new AbortController().signal };
    expect((await asAzure.getToken(options)).token).toBe(token);
    asAzure.dispose();
  });

  it("C22: accepts Azure-typed refresh options, so migrating is changing the import", async () => {
    const token = jwtValidFor(HOUR);
    const azureOptions: AzureRefreshOptions = { tokenRefresher: async () => token, refreshProactively: false };
    const credential = new AzureCommunicationTokenCredential(azureOptions);
    expect((await credential.getToken()).token).toBe(token);
    credential.dispose();
  });

  it("C22: AzureCommunicationTokenCredential is the same class under the Azure SDK's name", () => {
    expect(AzureCommunicationTokenCredential).toBe(CommunicationTokenCredential);
  });
});
