// A minimal, correct login + token server for benchmarks, run in its own process so that its
// CPU time is not charged to the client being measured. Prints {"port": N} once listening.
import http from "node:http";

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
function jwt(lifetime) {
  const iat = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: "RS256", typ: "JWT" })}.${b64url({ iat, exp: iat + lifetime, sub: "bench" })}.c2lnbmF0dXJl`;
}
const counts = { token: 0, login: 0 };
const loginBody = JSON.stringify({ access_token: jwt(86400), token_type: "Bearer", expires_in: 86400 });

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
    if (/\/accounts\/[PT]\d{8}\/auth\/token$/.test(url)) {
      counts.token++;
      return send(200, JSON.stringify({ access_token: jwt(14400), token_type: "Bearer", expires_in: 14400 }));
    }
    if (/\/accounts\/[PT]\d{8}\/customers\/login$/.test(url)) {
      counts.login++;
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
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
