// Finds Debian's Chromium for the browser test and launches it with playwright-core (no browser download).
import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where to look, in order: `CHROMIUM_PATH`, then Debian's headless shell, then Debian's full browser binary. */
export function chromiumCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    ...(env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : []),
    "/usr/lib/chromium/chromium-headless-shell",
    // The binary itself, not /usr/bin/chromium: that wrapper script prints shell errors when run headless.
    "/usr/lib/chromium/chromium",
  ];
}

/** The first candidate that is an executable file, or undefined. */
export function findChromium(candidates: readonly string[] = chromiumCandidates()): string | undefined {
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export const installHint = "install it with `apt-get install -y --no-install-recommends chromium-headless-shell` or set CHROMIUM_PATH";

/** Run with the browser found; without one, skip with one line, except under CI, where that is a failure. */
export function browserTestPlan(
  executable: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { run: true; executable: string } | { run: false; skipLine: string } | { run: false; failure: string } {
  if (executable) return { run: true, executable };
  const looked = chromiumCandidates(env).join(", ");
  if (env.CI && env.CI !== "false" && env.CI !== "0")
    return { run: false, failure: `CI is set and no Chromium was found (looked at ${looked}): ${installHint}` };
  return { run: false, skipLine: `browser test skipped: no Chromium found (looked at ${looked}); ${installHint}` };
}

/** Headless, quiet on a closed network: no background fetches, component updates, sync or QUIC probes. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}
