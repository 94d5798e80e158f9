// Baseline for bench/http.bench.ts: a bare Fastify server (no plugins, no logger) answering
// GET / with { hello: 'world' }, and POST /submit (an urlencoded form, parsed, answered with a
// 303 redirect: the shape of a form submission without any work). Plain JavaScript run by `node`,
// like the compiled Guichet.
import Fastify from 'fastify';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('hello-fastify: PORT must be set\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
  done(null, Object.fromEntries(new URLSearchParams(String(body)))),
);
app.post('/submit', async (request, reply) => {
  const fields = /** @type {Record<string, string>} */ (request.body ?? {});
  if (typeof fields.message !== 'string') return reply.code(400).send({ error: 'message' });
  return reply.redirect('/', 303);
});
await app.listen({ port, host: '127.0.0.1' });

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
