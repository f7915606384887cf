// n8n's heartbeat webhook as the doctor test needs it (run inside the test's VPS namespace): POST /webhook/heartbeat
// with header auth, answered 401 without the right bearer token (n8n's "Authorization is required!") and 200 with
// it. Prints {"listening":true}, then one JSON line per request: whether its token was right and its client_id.
import http from 'node:http';

const [host, port] = [process.argv[2]!, Number(process.argv[3])];
const token = process.env.STANDIN_TOKEN ?? '';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const authorized = req.headers.authorization === `Bearer ${token}`;
    let clientId: unknown = null;
    try {
      clientId = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { client_id?: unknown }).client_id ?? null;
    } catch {
      clientId = null;
    }
    process.stdout.write(`${JSON.stringify({ path: req.url, authorized, clientId })}\n`);
    res.setHeader('content-type', 'application/json');
    if (req.method !== 'POST' || req.url !== '/webhook/heartbeat') return res.writeHead(404).end('{"message":"The requested webhook is not registered."}');
    if (!authorized) return res.writeHead(401).end('{"message":"Authorization is required!"}');
    res.end(JSON.stringify({ received_at: new Date().toISOString() }));
  });
});
server.listen(port, host, () => process.stdout.write(`${JSON.stringify({ listening: true })}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
