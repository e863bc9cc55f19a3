// Options that cannot work are refused up front, at createLoginClient.
import { describe, expect, it } from "vitest";
import { createLoginClient, type LoginClientOptions } from "../../../src/index.ts";
import { type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { accountId, clientAuth } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));

describe("8. options that cannot work are refused up front", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["credentials inside baseUrl", { baseUrl: "https://user:fake-url-password@api.dintero.com/v1" }, "/baseUrl"],
    ["a user name inside baseUrl", { baseUrl: "http://user@127.0.0.1:3000/v1" }, "/baseUrl"],
    ["a query in baseUrl", { baseUrl: "https://api.dintero.com/v1?x=1" }, "/baseUrl"],
    ["a fragment in baseUrl", { baseUrl: "https://api.dintero.com/v1#x" }, "/baseUrl"],
    ["a timeout beyond what a timer holds", { timeoutMs: 2 ** 31 }, "/timeoutMs"],
    ["an infinite timeout", { timeoutMs: Infinity }, "/timeoutMs"],
    ["a string timeout", { timeoutMs: "100" }, "/timeoutMs"],
    ["a baseDelayMs beyond a timer", { tokenRetry: { baseDelayMs: 2 ** 31, maxDelayMs: 2 ** 31 } }, "/tokenRetry/baseDelayMs"],
    ["a maxDelayMs beyond a timer", { tokenRetry: { maxDelayMs: 2 ** 31 } }, "/tokenRetry/maxDelayMs"],
    ["a negative baseDelayMs", { tokenRetry: { baseDelayMs: -1 } }, "/tokenRetry/baseDelayMs"],
    ["maxDelayMs below baseDelayMs", { tokenRetry: { baseDelayMs: 500, maxDelayMs: 100 } }, "/tokenRetry/maxDelayMs"],
    ["a zero maxResponseBytes", { maxResponseBytes: 0 }, "/maxResponseBytes"],
    ["a fractional maxResponseBytes", { maxResponseBytes: 10.5 }, "/maxResponseBytes"],
    ["an infinite maxResponseBytes", { maxResponseBytes: Infinity }, "/maxResponseBytes"],
    ["an accessToken string with a space", { auth: { accessToken: "two words" } }, "/auth/accessToken"],
  ];
  for (const [name, options, pointer] of cases) {
    it(`refuses ${name}`, async () => {
      const error = await rejection(() => createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl, ...options } as LoginClientOptions));
      expect(error.kind).toBe("invalid_request");
      expect(error.details?.map((d) => d.pointer)).toContain(pointer);
      expect(error.message).not.toContain("fake-url-password");
      expect(JSON.stringify(error)).not.toContain("fake-url-password");
    });
  }
});
