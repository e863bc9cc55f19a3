// The one way this project's hand-written test servers start and stop: node:http on 127.0.0.1, a free
// port, and a close() that ends open connections (kept-alive or left hanging on purpose) at once.
// Servers that play a correct Dintero use dintero-login-kit/testing (startFakeDintero) instead.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalServer {
  /** `http://127.0.0.1:{port}` */
  readonly origin: string;
  readonly port: number;
  readonly server: Server;
  /** Ends every connection and stops listening; safe to call twice. */
  close(): Promise<void>;
}

export async function startHttpServer(listener: RequestListener, options: { keepAliveTimeout?: number } = {}): Promise<LocalServer> {
  const server = createServer(options, listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
