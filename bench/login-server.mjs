// The benchmarks' login + token server: the project's fake Dintero (testing/), run in its own process
// so that its CPU time is not charged to the client being measured. Prints {"port": N} once listening.
// Bent for the benchmarks (testing/overrides.ts): any bearer the fake did not revoke opens the login
// (the benches pass "bench-bearer"); a wrong password is refused 403 (the spec's wrong password) with no sign of whose credentials
// failed (bench 7's ambiguous refusal); /__crafted makes every login a 400 with a crafted body (bench 8).
// Admin paths: /__stats, /__reset, /__crafted?case=, /__revoke (revokes the bearers issued so far;
// ?sign=1 puts the fake's invalid_token_challenge scenario in force, RFC 6750's challenge), and
// /__config?token=ok|slow|429|500|401&tokenDelayMs=N&login=ok|hostile for the outage benchmarks (10-14, 16): the
// token endpoint answering late or 429 Retry-After: 30, every login a 977 KiB 401 that breaks the Error
// schema; it resets the counts.
import http from "node:http";
import { register } from "tsx/esm/api";

register();
const { createCore } = await import("../testing/fake.ts");
const { writeAnswer } = await import("../testing/internal.ts");

const fake = createCore({
  accountId: "T12345678",
  clients: [{ clientId: "bench-client", clientSecret: "bench-client-secret" }],
  users: [{ type: "customer", email: "bench@example.com", password: "bench-password" }],
});
const counts = { token: 0, login: 0 };
const revoked = new Set();
// Error bodies crafted against the client's redaction (bench 8): 64 KiB, within its token caps
// (32 strings under "token" keys, 64 KiB of UTF-8), each built for another costly path.
const random = (n, alphabet) => {
  const a = [...alphabet];
  let s = "";
  for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)];
  return s;
};
const crafted = (message, alphabet, filler = "") => {
  const per = Math.floor(65536 / 32 / Math.max(...[...alphabet].map((c) => Buffer.byteLength(c)))) - 1;
  const body = {
    error: { code: message.slice(0, 100), message },
    ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, random(per, alphabet)])),
  };
  if (filler) body.padding = filler.repeat(Math.max(0, 65536 - JSON.stringify(body).length) / filler.length);
  return JSON.stringify(body);
};
const craftedBodies = {
  small: () => JSON.stringify({ error: { code: "INVALID", message: "Invalid request body" } }),
  ascii: () => crafted(random(300, "abcdefghij"), "abcdefghijklmnopqrstuvwxyz0123456789"),
  percent: () => crafted("%41".repeat(100), "%2541"),
  json_escapes: () => crafted("\\u0041".repeat(50), "\\u0041"),
  plus_signs: () => crafted("+".repeat(300), "+a"),
  non_ascii: () => crafted(random(300, "åøæéü€😀"), "åøæéü€😀", "x"),
  astral: () => crafted(random(150, "😀😁😂🤣"), "😀😁😂🤣", "x"),
  compatibility: () => crafted(random(300, "ﬁﬂ①②ｱｲ"), "ﬁﬂ①②ｱｲ", "x"),
  ligatures: () => crafted(random(300, "ﷺﷻ"), "ﷺﷻ", "x"),
  echoed_windows: () => {
    const m = random(300, "abcdefghijklmnopqrstuvwxyz");
    return crafted(m, m + "%");
  },
};
let craftedBody;
let outage = { token: "ok", tokenDelayMs: 0, login: "ok" };
// A 977 KiB 401 body whose every item breaks the spec's Error schema (errors[] holds objects).
const hostileBody = JSON.stringify({ error: { message: "no", errors: Array(500_000).fill(1) } });

fake.internals.use({
  bearer: (record, ctx) =>
    record ??
    (ctx.bearer === undefined || revoked.has(ctx.bearer)
      ? undefined
      : { kind: "client", clientId: "bench-client", aud: ctx.audienceOf(ctx.accountId), revoked: false }),
  user: (user, ctx) => user ?? ctx.fail(403, { message: "Invalid credentials" }),
  intercept: (_req, ctx) => {
    const json = { "content-type": "application/json; charset=utf-8", "request-id": "bench" };
    if (ctx.operation === "login" && craftedBody) return { delayMs: 0, answer: { status: 400, headers: json, body: craftedBody } };
    if (ctx.operation === "login" && outage.login === "hostile") return { delayMs: 0, answer: { status: 401, headers: json, body: hostileBody } };
    if (ctx.operation === "token" && outage.token === "429") return { delayMs: 0, answer: ctx.answers("token", 429, { "retry-after": "30" }) };
    // bench 16: a token endpoint that always fails, down (500) or refusing the client credentials (401)
    if (ctx.operation === "token" && (outage.token === "500" || outage.token === "401"))
      return { delayMs: 0, answer: ctx.answers("token", Number(outage.token)) };
    return undefined;
  },
});

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const url = req.url ?? "";
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "request-id": "bench" });
      res.end(body);
    };
    if (url === "/__stats") return send(200, JSON.stringify(counts));
    if (url === "/__reset") {
      counts.token = 0;
      counts.login = 0;
      return send(200, "{}");
    }
    if (url.startsWith("/__crafted")) {
      const name = new URL(url, "http://x").searchParams.get("case");
      craftedBody = name ? craftedBodies[name]?.() : undefined;
      return send(200, JSON.stringify({ cases: Object.keys(craftedBodies), bytes: craftedBody?.length ?? 0 }));
    }
    if (url.startsWith("/__config")) {
      const q = new URL(url, "http://x").searchParams;
      outage = { token: q.get("token") ?? "ok", tokenDelayMs: Number(q.get("tokenDelayMs") ?? 0), login: q.get("login") ?? "ok" };
      counts.token = 0;
      counts.login = 0;
      return send(200, JSON.stringify(outage));
    }
    if (url.startsWith("/__revoke")) {
      for (const token of fake.internals.issuedTokens) revoked.add(token);
      fake.revokeClientBearers();
      fake.scenario(url.includes("sign=1") ? "invalid_token_challenge" : "normal");
      return send(200, "{}");
    }
    const isToken = /\/auth\/token$/.test(url);
    if (isToken) counts.token++;
    if (/\/customers\/login$/.test(url)) counts.login++;
    const body = Buffer.concat(chunks).toString("utf8");
    const reply = () => {
      if (res.destroyed) return;
      const plan = fake.answer({
        method: req.method ?? "GET",
        pathname: new URL(url, "http://127.0.0.1").pathname,
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        body,
      });
      if (plan.answer) writeAnswer(res, plan.answer);
      fake.exchanges.length = 0; // the record is not needed, and would grow over millions of requests
    };
    if (isToken && outage.token === "slow" && outage.tokenDelayMs > 0) setTimeout(reply, outage.tokenDelayMs);
    else reply();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
