import { chromium, type Browser } from "playwright-core";

/**
 * Debian's headless Chromium (`CHROMIUM_PATH` to use another), with nothing that would reach beyond
 * the loopback servers a test starts: no QUIC, no background networking, no updates, no sync.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
