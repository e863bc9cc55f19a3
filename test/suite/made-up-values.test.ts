// A credential the run made up is printed as sent; a configured secret, and anything derived from one, is not.
import { describe, expect, it } from "vitest";
import { isMadeUp } from "../../contract-tests/made-up.ts";
import { curlCommand } from "../../contract-tests/reproduce.ts";

const real = "Correct-Horse-7731";
const secrets = [real, "client-secret-9f8e7d"];

describe("made-up values", () => {
  it.for(["wrong-4f1c2a9b7e3d5c60", "éééé", "0000", "", "a".repeat(255)])("%j, made up by the run, is printed", (value) => {
    expect(isMadeUp(value, secrets)).toBe(true);
  });

  it.for([real, real.slice(0, 9), `${real.slice(0, -1)}8`, real.toLowerCase(), real.toUpperCase(), `x${real}x`, "client-secret-9f8e7D"])(
    "%j, a secret or derived from one, is withheld",
    (value) => {
      expect(isMadeUp(value, secrets)).toBe(false);
    },
  );

  it("a curl command prints a made-up password and client secret, and withholds a derived one", () => {
    const secretVars = [
      { value: real, name: "DINTERO_LOGIN_PASSWORD" },
      { value: "client-secret-9f8e7d", name: "DINTERO_CLIENT_SECRET" },
    ];
    const options = { baseUrl: "http://127.0.0.1:1/v1", clientId: "cid", secretProps: new Set(["password"]) };
    const login = (password: string) =>
      curlCommand(
        { method: "POST", url: "http://127.0.0.1:1/v1/login", headers: {}, body: JSON.stringify({ email: "a@example.com", password }) },
        secretVars,
        options,
      );
    expect(login("wrong-4f1c2a9b")).toContain(`"password":"wrong-4f1c2a9b"`);
    expect(login("wrong-4f1c2a9b")).not.toMatch(/MADE_UP|DERIVED/);
    const derived = login(real.slice(0, 9));
    expect(derived).toContain("$DERIVED_SECRET");
    expect(derived).not.toContain(real.slice(0, 9));
    const basic = (secret: string) =>
      curlCommand({ method: "POST", url: "http://127.0.0.1:1/v1/token", headers: { authorization: `Basic ${btoa(`cid:${secret}`)}` } }, secretVars, options);
    expect(basic("wrong-$x`y")).toContain('-u "$DINTERO_CLIENT_ID:wrong-\\$x\\`y"');
    expect(basic("client-secret-9f8e7D")).toContain('-u "$DINTERO_CLIENT_ID:$DERIVED_SECRET"');
  });
});
