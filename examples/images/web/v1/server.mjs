// The "web" image: answers GET / with its version and pod, /healthz with 200. Listens on $PORT (the
// runtime maps the containerPort there) and shuts down gracefully on SIGTERM. No dependencies.
import { createServer } from 'node:http';

const version = process.env.VERSION ?? 'unknown';
const pod = process.env.POD_NAME ?? process.env.HOSTNAME ?? 'unknown';
const port = Number(process.env.PORT ?? 8080);

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  if (req.url === '/') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`web ${version} ${pod}\n`);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
});

server.listen(port, '127.0.0.1', () => console.log(`web ${version} listening on 127.0.0.1:${port}`));

process.on('SIGTERM', () => {
  console.log(`web ${version} shutting down`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
