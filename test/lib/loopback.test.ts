// lib/loopback.ts: which hosts are this machine.
import { describe, expect, it } from "vitest";
import { isLoopbackHost, isLoopbackUrl } from "../../lib/loopback.ts";

describe("loopback", () => {
  it("knows localhost, 127.0.0.0/8 and ::1, as URL normalises them", () => {
    for (const url of [
      "http://localhost:3000/v1",
      "http://LOCALHOST/",
      "http://127.0.0.1:8080",
      "http://127.1/",
      "http://127.255.0.9/",
      "http://[::1]:80/",
      "http://[0:0:0:0:0:0:0:1]/",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("[::1]")).toBe(true);
  });

  it("refuses hosts that only look local, and what is not a URL", () => {
    for (const url of [
      "http://127.example.com/",
      "http://127.0.0.1.nip.io/",
      "http://localhost.example.com/",
      "http://128.0.0.1/",
      "http://[::2]/",
      "http://10.0.0.1/",
      "https://api.dintero.com/v1",
      "not a url",
      "",
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});
