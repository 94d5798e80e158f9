// Preloaded into a Guichet process by bench/layers.bench.ts (`node --import`): appends every
// statement sent through node-postgres (text, parameters, duration in ms, first result row
// count) as one JSON line to $GUICHET_BENCH_QUERY_LOG. Used once, off the measured runs, to
// capture the SQL a page runs and to time the statements of a submission. Plain JavaScript,
// like the compiled Guichet it is loaded into.
import fs from 'node:fs';
import pg from 'pg';

const file = process.env.GUICHET_BENCH_QUERY_LOG;
if (file) {
  const original = pg.Client.prototype.query;
  /** @param {unknown} value */
  const encode = (value) =>
    Buffer.isBuffer(value)
      ? { $bytea: value.toString('base64') }
      : value instanceof Date
        ? { $date: value.toISOString() }
        : value;
  const log = (
    /** @type {unknown} */ config,
    /** @type {unknown} */ values,
    /** @type {number} */ started,
    /** @type {unknown} */ error,
  ) => {
    const q = /** @type {{ text?: string; values?: unknown[] }} */ (
      typeof config === 'string' ? { text: config } : (config ?? {})
    );
    const params = Array.isArray(values) ? values : (q.values ?? []);
    fs.appendFileSync(
      file,
      `${JSON.stringify({ at: started, ms: performance.now() - started, text: q.text, params: params.map(encode), error: error ? String(error) : undefined })}\n`,
    );
  };
  pg.Client.prototype.query = /** @type {typeof original} */ (
    function query(/** @type {any[]} */ ...args) {
      const started = performance.now();
      const [config, values] = args;
      const callbackIndex = args.findIndex((a) => typeof a === 'function');
      if (callbackIndex >= 0) {
        const callback = args[callbackIndex];
        args[callbackIndex] = (/** @type {unknown} */ error, /** @type {unknown} */ result) => {
          log(config, values, started, error);
          callback(error, result);
        };
        return original.apply(this, args);
      }
      if (config && typeof config === 'object' && typeof config.callback === 'function') {
        const callback = config.callback;
        config.callback = (/** @type {unknown} */ error, /** @type {unknown} */ result) => {
          log(config, values, started, error);
          callback(error, result);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args);
      if (result && typeof result.then === 'function')
        result.then(
          () => log(config, values, started, undefined),
          (/** @type {unknown} */ error) => log(config, values, started, error),
        );
      return result;
    }
  );
}
