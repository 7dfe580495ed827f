/**
 * The comparison point of the HTTP throughput bench: a bare node:http server that answers every
 * request with a fixed JSON body of about the size of a mock success envelope. Prints one line
 * with its URL; stops on SIGINT/SIGTERM. Usage: node dist/bench/http-bare-server.js [bodyBytes]
 */
import { createServer } from 'node:http';

const bodyBytes = Number(process.argv[2] ?? 2600);
const body = JSON.stringify({ result: { success: true, status: 'DONE', content: 'x'.repeat(Math.max(0, bodyBytes - 60)) } });
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) };
const server = createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`bare node:http listening on http://127.0.0.1:${port}\n`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
