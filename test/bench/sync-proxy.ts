// The fault proxy in a process of its own, so added latency is not held up by the benchmark's own event loop
// (on a real link, the network does not wait for the desktop's SQLite work). Prints its port; stops when stdin ends.
import { startFaultProxy } from '../helpers/fault-proxy.js';

const [host = '127.0.0.1', port = '5432', latency = '0'] = process.argv.slice(2);
const proxy = await startFaultProxy({ host, port: Number(port) }, { latencyMs: Number(latency) });
process.stdout.write(`${proxy.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void proxy.close().then(() => process.exit(0)));
