// Statuses outside 100-599 on the wire (a raw TCP server answers 600 and 999): contract_violation, not server_error.
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

describe("7. statuses outside 100-599", () => {
  let raw: NetServer;
  let status = "600";
  beforeAll(async () => {
    raw = createNetServer((socket) => {
      socket.once("data", () => {
        const body = JSON.stringify(errorBody("ODD", "odd status"));
        socket.end(`HTTP/1.1 ${status} Odd\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => new Promise<void>((resolve) => raw.close(() => resolve())));

  for (const s of ["600", "999"]) {
    it(`status ${s} -> contract_violation, not server_error`, async () => {
      status = s;
      const c = client({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1` });
      const error = await rejection(() => c.login(email));
      expect(error.kind).toBe("contract_violation");
      expect(error.status).toBe(Number(s));
      expect(error.details?.[0]).toMatchObject({ rule: "status" });
    });
  }
});
