// An echo in another Unicode normalization form (NFC, NFD) is the same secret (#16 §5).
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorBody, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { everything, pieces } from "../../helpers/secret-search.ts";
import { email, useClientFixture } from "../../helpers/client-fixture.ts";
import { loginError } from "../../helpers/login-error.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

describe("3. an echo in another Unicode normalization form is the same secret", () => {
  const nfc = "Pässwörd-Åse-ﬁne-secret".normalize("NFC");
  const fullwidth = "ｓｅｃｒｅｔ－Ｐäｓｓ－１２３４"; // NFKC: "secret-Päss-1234"
  const cases: [string, string, (pw: string) => string][] = [
    ["NFC password, NFD echo", nfc, (pw) => pw.normalize("NFD")],
    ["NFD password, NFC echo", nfc.normalize("NFD"), (pw) => pw.normalize("NFC")],
    ["a fullwidth password echoed in NFKC (SASLprep)", fullwidth, (pw) => pw.normalize("NFKC")],
    ["a fullwidth password echoed in NFKD, percent-encoded", fullwidth, (pw) => encodeURIComponent(pw.normalize("NFKD"))],
  ];
  for (const [name, password, echo] of cases) {
    it(name, async () => {
      server.login = (_req, res) => sendJson(res, 403, errorBody("FORBIDDEN", `wrong password ${echo(password)} for a@example.com`));
      const error = await loginError(client().login({ ...email, password }));
      expect(error.kind).toBe("forbidden");
      const text = everything(error);
      for (const form of ["NFC", "NFD", "NFKC", "NFKD"] as const) expect(pieces(text.normalize(form), password.normalize(form)), form).toEqual([]);
      expect(error.message).toContain("for a@example.com");
    });
  }
});
