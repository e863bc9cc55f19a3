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
