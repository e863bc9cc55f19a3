import { redactServerTexts, tokensIn } from "../src/redact.ts";
function rnd(n: number, alphabet: string) { const a = [...alphabet]; let s = ""; for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)]; return s; }
const bytes = (s: string) => new TextEncoder().encode(s).length;
/** 32 tokens from `alphabet`, as long as fits in 64 KiB of UTF-8 in all. */
const mk = (msg: string, alphabet: string) => { const per = Math.floor(65536 / 32 / Math.max(...[...alphabet].map(bytes))) - 1; return { error: { message: msg, code: msg.slice(0, 100) }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, rnd(per, alphabet)])) }; };
const bodies: Record<string, unknown> = {
  plain: mk(rnd(300, "abcdefghij"), "abcdefghijklmnopqrstuvwxyz0123456789"),
  percent: mk("%41".repeat(100), "%2541"),
  backslash: mk("\\u0041".repeat(50), "\\u0041"),
  plusses: mk("+".repeat(300), "+a"),
  unicode: mk(rnd(300, "åøæéü€😀"), "åøæéü€😀"),
  astral: mk(rnd(150, "😀😁😂🤣"), "😀😁😂🤣"),
  nfkc: mk(rnd(300, "ﬁﬂ①②ｱｲ"), "ﬁﬂ①②ｱｲ"),
  ligature: mk(rnd(300, "ﷺﷻ"), "ﷺﷻ"),
};
const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const [name, body] of Object.entries(bodies)) {
  const b = body as { error: { message: string; code: string } };
  const times: number[] = [];
  let shown = "";
  for (let rep = 0; rep < 25; rep++) {
    const t0 = performance.now();
    const tokens = tokensIn(JSON.parse(JSON.stringify(body)));
    if (!tokens) { shown = "over caps"; break; }
    shown = redactServerTexts([[b.error.code, 100], [b.error.message, 300], ["req-1", 200]], [...tokens, "password-1234"])[1]!.slice(0, 30);
    times.push(performance.now() - t0);
  }
  console.log(name, "median", times.length ? median([...times]).toFixed(1) : "-", "max", Math.max(...times).toFixed(1), "len", JSON.stringify(body).length, shown);
}
