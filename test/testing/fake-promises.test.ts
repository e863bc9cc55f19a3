// The fake keeps what docs/testing.md promises: every answer (404 and 405 included) says
// Cache-Control: no-store, and createFakeDintero refuses two users with one identity, naming no value.
import { afterEach, describe, expect, it } from "vitest";
import { createFakeDintero, startFakeDintero, type RunningFakeDintero } from "../../testing/index.ts";

let fake: RunningFakeDintero | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("every answer of the fake has Cache-Control: no-store (docs/testing.md, What it enforces)", () => {
  it("over HTTP: 404 for another path or outside /v1, 405 for another method, as well as the documented answers", async () => {
    fake = await startFakeDintero();
    const origin = new URL(fake.url).origin;
    const asked = [
      [`${origin}/v1/elsewhere`, "POST", 404],
      [`${origin}/v2/accounts/${fake.accountId}/auth/token`, "POST", 404],
      [`${fake.url}/accounts/${fake.accountId}/auth/token`, "GET", 405],
      [`${fake.url}/accounts/${fake.accountId}/customers/login`, "PUT", 405],
      [`${fake.url}/accounts/${fake.accountId}/auth/token`, "POST", 401],
    ] as const;
    for (const [url, method, status] of asked) {
      const res = await fetch(url, { method, ...(method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" }) });
      await res.arrayBuffer();
      expect([method, url, res.status, res.headers.get("cache-control")]).toEqual([method, url, status, "no-store"]);
    }
  });
});

describe("createFakeDintero refuses two users with one identity", () => {
  const users = (a: Record<string, string>, b: Record<string, string>) => [
    { type: "customer" as const, password: "first-password-1", ...a },
    { type: "customer" as const, password: "second-password-2", ...b },
  ];

  for (const [name, a, b] of [
    ["email", { email: "ada@example.com" }, { email: "ada@example.com" }],
    ["phone", { phone: "+4799999999" }, { phone: "+4799999999" }],
    ["phone, one user also having an email", { email: "ada@example.com", phone: "+4799999999" }, { phone: "+4799999999" }],
  ] as const) {
    it(`the same type and ${name}: a TypeError naming both users and no value`, () => {
      let thrown: unknown;
      try {
        createFakeDintero({ users: users(a, b) });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      const message = (thrown as TypeError).message;
      expect(message).toMatch(/users\[1\] has the same type and (email|phone) as users\[0\]/);
      for (const value of ["first-password-1", "second-password-2", "ada@example.com", "+4799999999", "4799999999"]) expect(message).not.toContain(value);
    });
  }

  it("the same email under another user type, or another email, is allowed", () => {
    expect(() => createFakeDintero({ users: [...users({ email: "ada@example.com" }, { email: "bob@example.com" })] })).not.toThrow();
    expect(() =>
      createFakeDintero({
        users: [
          { type: "customer", email: "ada@example.com", password: "first-password-1" },
          { type: "company", email: "ada@example.com", password: "second-password-2" },
        ],
      }),
    ).not.toThrow();
  });
});
