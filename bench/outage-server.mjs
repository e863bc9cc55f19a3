// A login + token server for the outage benchmarks (bench 10-14), in its own process so that its CPU
// time is not charged to the client. Prints {"port": N} once listening. Configured over HTTP:
// GET /__config?token=ok|slow|429&tokenDelayMs=N&login=ok|hostile resets the counts too;
// GET /__stats gives { token, login }. The password "wrong-password" gets the spec's 403, which does not say
// whose credentials failed (so the client forces a refresh of its bearer).
import http from "node:http";

let config = { token: "ok", tokenDelayMs: 0, login: "ok" };
const counts = { token: 0, login: 0 };
let minted = 0;
// A 977 KiB 401 body whose every item breaks the spec's Error schema (errors[] holds objects).
const hostileBody = JSON.stringify({ error: { message: "no", errors: Array(500_000).fill(1) } });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status, body, headers = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if (url.pathname === "/__stats") return send(200, JSON.stringify(counts));
    if (url.pathname === "/__config") {
      config = { token: url.searchParams.get("token") ?? "ok", tokenDelayMs: Number(url.searchParams.get("tokenDelayMs") ?? 0), login: url.searchParams.get("login") ?? "ok" };
      counts.token = counts.login = 0;
      return send(200, JSON.stringify(config));
    }
    if (/\/auth\/token$/.test(url.pathname)) {
      counts.token++;
      const answer = () =>
        config.token === "429"
          ? send(429, JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "slow down" } }), { "retry-after": "30" })
          : send(200, JSON.stringify({ access_token: `bench-bearer-${++minted}`, token_type: "Bearer", expires_in: 3600 }));
      return config.tokenDelayMs > 0 ? setTimeout(answer, config.tokenDelayMs) : answer();
    }
    if (/\/customers\/login$/.test(url.pathname)) {
      counts.login++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      if (config.login === "hostile") return send(401, hostileBody);
      if (body.password === "wrong-password") return send(403, JSON.stringify({ error: { code: "FORBIDDEN", message: "Invalid credentials" } }));
      return send(200, JSON.stringify({ access_token: "customer-token", token_type: "Bearer", expires_in: 86400 }));
    }
    send(404, JSON.stringify({ error: { message: "Not found" } }));
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => process.exit(0));
