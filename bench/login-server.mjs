// A minimal, correct login + token server for benchmarks, run in its own process so that its
// CPU time is not charged to the client being measured. Prints {"port": N} once listening.
// For the bearer-economy bench it also refuses the password "wrong-password" (401, no sign of
// whose credentials failed) and revokes bearers on request (GET /__revoke, ?sign=1 to answer the
// revoked bearers with RFC 6750's `WWW-Authenticate: Bearer error="invalid_token"`).
import http from "node:http";

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
let minted = 0;
function jwt(lifetime) {
  const iat = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ iat, exp: iat + lifetime, sub: "bench", jti: String(++minted) })}.c2lnbmF0dXJl`;
}
const counts = { token: 0, login: 0 };
const loginBody = JSON.stringify({ access_token: jwt(86400), token_type: "Bearer", expires_in: 86400 });
// Error bodies crafted against the client's redaction (bench 8): 64 KiB, within its token caps
// (32 strings under "token" keys, 64 KiB of UTF-8), each built for another costly path.
const random = (n, alphabet) => { const a = [...alphabet]; let s = ""; for (let i = 0; i < n; i++) s += a[Math.floor(Math.random() * a.length)]; return s; };
const crafted = (message, alphabet, filler = "") => {
  const per = Math.floor(65536 / 32 / Math.max(...[...alphabet].map((c) => Buffer.byteLength(c)))) - 1;
  const body = { error: { code: message.slice(0, 100), message }, ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, random(per, alphabet)])) };
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
  echoed_windows: () => { const m = random(300, "abcdefghijklmnopqrstuvwxyz"); return crafted(m, m + "%"); },
};
let craftedBody;
const issued = new Set();
const revoked = new Set();
let signRevoked = false;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const url = req.url ?? "";
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "request-id": "bench", ...headers });
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
    if (url.startsWith("/__revoke")) {
      for (const bearer of issued) revoked.add(bearer);
      issued.clear();
      signRevoked = url.includes("sign=1");
      return send(200, "{}");
    }
    if (/\/accounts\/[PT]\d{8}\/auth\/token$/.test(url)) {
      counts.token++;
      const token = jwt(14400);
      issued.add(token);
      return send(200, JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 14400 }));
    }
    if (/\/accounts\/[PT]\d{8}\/customers\/login$/.test(url)) {
      counts.login++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const bearer = (req.headers.authorization ?? "").slice("Bearer ".length);
      if (craftedBody) return send(400, craftedBody);
      if (revoked.has(bearer)) {
        const sign = signRevoked ? { "www-authenticate": 'Bearer error="invalid_token"' } : {};
        return send(401, JSON.stringify({ error: { code: "UNAUTHORIZED", message: "Access forbidden, invalid JWT token was used" } }), sign);
      }
      if (body.password === "wrong-password") return send(401, JSON.stringify({ error: { code: "UNAUTHORIZED", message: "Invalid credentials" } }));
      return send(200, loginBody);
    }
    send(404, JSON.stringify({ error: { message: "not found" } }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
