import { redactServerTexts, tokensIn } from "../src/redact.ts";
function rnd(n: number, alphabet: string) { let s = ""; for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)]; return s; }
const msg = rnd(300, "abcdefghijklmnopqrstuvwxyz");
const bodies: Record<string, unknown> = {
  plain: { error: { message: rnd(300, "abcdefghij"), code: rnd(100, "abc") }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, rnd(2000, "abcdefghijklmnopqrstuvwxyz0123456789")])) },
  percent: { error: { message: "%41".repeat(100), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "%25%41".repeat(333)])) },
  backslash: { error: { message: "\\u0041".repeat(50), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "\\\\u0041".repeat(285)])) },
  plusses: { error: { message: "+".repeat(300), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "+a".repeat(1000)])) },
  same: { error: { message: "a".repeat(300), code: "a".repeat(100) }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "a".repeat(2000)])) },
  unicode: { error: { message: rnd(300, "åøæéü€😀"), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, rnd(1000, "åøæéü€😀")])) },
  astral: { error: { message: rnd(150, "😀😁😂🤣"), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, rnd(1000, "😀😁😂🤣")])) },
  nfkc: { error: { message: rnd(300, "ﬁﬂ①②ｱｲ"), code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, rnd(2000, "ﬁﬂ①②ｱｲ")])) },
  windows: { error: { message: msg, code: "x" }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, (msg + "%").repeat(6)])) },
};
for (let rep = 0; rep < 3; rep++) { const row: string[] = []; for (const [name, body] of Object.entries(bodies)) {
  const b = body as { error: { message: string; code: string } };
  const t0 = performance.now();
  const secrets = [...tokensIn(body)!, "password-1234"];
  redactServerTexts([[b.error.code, 100], [b.error.message, 300], ["req-1", 200]], secrets);
  row.push(`${name} ${(performance.now() - t0).toFixed(1)}`);
} console.log(row.join(" | ")); }
