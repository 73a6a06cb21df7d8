/**
 * Signing requests with an access key, against a server on 127.0.0.1 that checks the signature the
 * way ACS does.
 * Run: npm run build && npx tsx examples/accessKeySigning.ts
 */
import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAuthenticatedFetch, parseConnectionString } from "rx-communication-common";

const accessKey = Buffer.from("an example access key, not real!").toString("base64");

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const contentHash = createHash("sha256").update(Buffer.concat(chunks)).digest("base64");
    const stringToSign = `${request.method}\n${request.url}\n${request.headers["x-ms-date"]};${request.headers.host};${contentHash}`;
    const signature = createHmac("sha256", Buffer.from(accessKey, "base64")).update(stringToSign).digest("base64");
    const valid = request.headers.authorization?.endsWith(`Signature=${signature}`) === true;
    response.writeHead(valid ? 200 : 401).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;

const { endpoint, credential } = parseConnectionString(`endpoint=http://127.0.0.1:${port}/;accesskey=${accessKey}`);
// Only requests to the resource are signed; anything else this fetch sends goes out without credentials.
const acsFetch = createAuthenticatedFetch(credential, { protectedResources: [endpoint] });
const response = await acsFetch(`${endpoint}/identities?api-version=2023-10-01`, { method: "POST", body: "{}" });
console.log(`signed request answered ${response.status}; the credential prints as ${JSON.stringify(credential)}`);
server.close();
