// LoginError keeps its name after minified bundling, and logins sharing one AbortSignal: no listener warning,
// and aborting it rejects every login waiting on it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { LoginError } from "../../../src/index.ts";
import { customerToken, delay, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

describe("10. small things", () => {
  it("LoginError keeps its name after minified bundling (err.constructor.name === 'LoginError')", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../../src/index.ts", import.meta.url))],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      write: false,
    });
    const dir = await mkdtemp(path.join(tmpdir(), "login-minified-"));
    try {
      const file = path.join(dir, "index.mjs");
      await writeFile(file, result.outputFiles[0]!.contents);
      const bundled = (await import(pathToFileURL(file).href)) as typeof import("../../../src/index.ts");
      expect(result.outputFiles[0]!.text).not.toMatch(/class LoginError\b/); // really minified
      let error: unknown;
      try {
        bundled.createLoginClient(null as never);
      } catch (e) {
        error = e;
      }
      expect(error).not.toBeInstanceOf(LoginError); // a different copy of the class...
      expect(error).toBeInstanceOf(bundled.LoginError);
      expect((error as Error).constructor.name).toBe("LoginError"); // ...that still says its name
      expect((error as Error).name).toBe("LoginError");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("more than ten concurrent logins sharing one AbortSignal print no MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      server.token = async (_req, res) => {
        await delay(30);
        sendJson(res, 200, server.issueToken());
      };
      server.login = async (_req, res) => {
        await delay(30);
        sendJson(res, 200, customerToken());
      };
      const shared = new AbortController();
      const c = client({ auth: clientAuth });
      await Promise.all(Array.from({ length: 25 }, () => c.login(email, { signal: shared.signal })));
      await delay(20); // warnings are emitted on a later tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
  });

  it("aborting a shared signal rejects every login waiting on it", async () => {
    server.login = async (_req, res) => {
      await delay(500);
      sendJson(res, 200, customerToken());
    };
    const shared = new AbortController();
    const pending = Array.from({ length: 15 }, () =>
      client()
        .login(email, { signal: shared.signal })
        .catch((e: unknown) => e),
    );
    await delay(50);
    shared.abort();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e instanceof LoginError && e.kind === "aborted")).toBe(true);
  });
});
