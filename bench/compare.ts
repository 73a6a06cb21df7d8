/** Shared pieces of the benchmarks: the two credentials under test, JWTs, and the table. */
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationTokenCredential } from "../build/esm/index.js";

export type Contender = "ours" | "azure";

/** A token credential as both libraries shape it. */
export interface Credential {
  getToken(): Promise<{ token: string; expiresOnTimestamp: number }>;
  dispose(): void;
}

/** A JWT expiring `lifetimeMs` from now. */
export function jwt(lifetimeMs: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ exp: (Date.now() + lifetimeMs) / 1000 })}.c2ln`;
}

/** A credential of either library with a refresher and, optionally, an initial token. */
export function createCredential(
  contender: Contender,
  options: {
    tokenRefresher: () => Promise<string>;
    token?: string | undefined;
    refreshProactively?: boolean | undefined;
  },
): Credential {
  return contender === "ours"
    ? new CommunicationTokenCredential(options)
    : new AzureCommunicationTokenCredential(options as { tokenRefresher: () => Promise<string>; token?: string });
}

export interface Row {
  measure: string;
  ours: string;
  azure: string;
  ratio: string;
  note?: string;
}

export function printTable(rows: Row[]): void {
  const header: Row = {
    measure: "measure",
    ours: "ours",
    azure: "@azure/communication-common",
    ratio: "ours/azure",
    note: "",
  };
  const all = [header, ...rows];
  const width = (key: keyof Row) => Math.max(...all.map((row) => (row[key] ?? "").length));
  const line = (row: Row) =>
    `| ${(["measure", "ours", "azure", "ratio", "note"] as const).map((key) => (row[key] ?? "").padEnd(width(key))).join(" | ")} |`;
  console.log(line(header));
  console.log(
    `|${(["measure", "ours", "azure", "ratio", "note"] as const).map((key) => "-".repeat(width(key) + 2)).join("|")}|`,
  );
  rows.forEach((row) => console.log(line(row)));
}

export const format = {
  perSecond: (value: number) => `${(value / 1e6).toFixed(2)} M/s`,
  bytes: (value: number) => (value >= 10_240 ? `${(value / 1024).toFixed(1)} KB` : `${Math.round(value)} B`),
  ms: (value: number) => `${value.toFixed(2)} ms`,
  ratio: (ours: number, theirs: number) => `${(ours / theirs).toFixed(2)}×`,
};

/** The median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
