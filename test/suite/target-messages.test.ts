// What the suite says when the target is not what the configuration promises: plain http: off this
// machine is refused before any request; https: to a plain-HTTP server, a body shorter than its
// Content-Length and an unreachable target are named for what they are.
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { runSuite } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer } from "../helpers/contract-servers.ts";
import { startHttpServer } from "../helpers/http-server.ts";

const live = (baseUrl: string) => ({
  DINTERO_BASE_URL: baseUrl,
  DINTERO_ACCOUNT_ID: "T87654321",
  DINTERO_CLIENT_ID: "selftest-client",
  DINTERO_CLIENT_SECRET: "selftest-secret-value",
  DINTERO_LOGIN_EMAIL: "ada@example.com",
  DINTERO_LOGIN_PASSWORD: "selftest-password-value",
});

describe("plain http: is for loopback only", () => {
  it.for(["http://staging.example.com/v1", "http://10.0.0.5:8080/v1", "http://127.example.com/v1"])("%s is a configuration error naming the fix", (url) => {
    expect(() => resolveConfig(live(url), {})).toThrow(ConfigError);
    expect(() => resolveConfig(live(url), {})).toThrow(/plain http: to .* not this machine.*Use https:\/\/.*loopback only/);
  });

  it.for(["http://127.0.0.1:8080/v1", "http://localhost:8080/v1", "http://[::1]:8080/v1", "https://staging.example.com/v1"])("%s is accepted", (url) => {
    expect(resolveConfig(live(url), {}).target.baseUrl).toBe(url);
  });
});

describe("a target that is not what the URL says", () => {
  it("https: against a plain-HTTP server says the server does not speak TLS, in one line", async () => {
    const server = await startContractServer();
    try {
      const env = contractEnv(server, { DINTERO_BASE_URL: server.baseUrl.replace(/^http:/, "https:") });
      const result = await runSuite(resolveConfig(env, {}));
      expect(result.exitCode).toBe(2);
      expect(result.aborted?.reason).toBe("unreachable");
      expect(result.aborted?.message).toMatch(/the server does not speak TLS \(\w+\); use http:\/\/ for loopback/);
      const table = summaryTable(result);
      expect(table.split("\n")).toHaveLength(2);
      expect(table).not.toMatch(/not run\s*$/m);
      expect(table).toMatch(/^no check was run: target unreachable: the server does not speak TLS/);
    } finally {
      await server.close();
    }
  });

  it("a Content-Length that overstates the body is named as a length mismatch, not as no response", async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
      res.write('{"access_token":"');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const result = await runSuite(resolveConfig(live(`${server.origin}/v1`), {}));
      const finding = result.results.find((r) => r.check === "server_answers" && r.outcome === "fail")?.findings[0];
      expect(finding?.message).toMatch(/^length mismatch: Content-Length says 400 bytes, 17 came before the connection closed/);
      expect(finding?.expected).toBe("400 bytes");
      expect(result.aborted?.reason).not.toBe("unreachable");
    } finally {
      await server.close();
    }
  });
});
