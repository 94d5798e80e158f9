// Baseline for bench/http.bench.ts: a bare Fastify server (no plugins, no logger) answering
// GET / with { hello: 'world' }. Plain JavaScript run by `node`, like the compiled Guichet.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('hello-fastify: PORT must be set\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port, host: '127.0.0.1' });

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
