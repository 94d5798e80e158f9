/**
 * The text classifier (src/platform/classifier/), on the requests' demo set: routing quality on a held-out split
 * of the labelled demo set, against a keyword-matching baseline evaluated on the same split, and
 * the cost of a classification, against JSON.parse of a payload of the same size, measured in the
 * same run (interleaved, so both see the same machine load). Also: the spread of macro-F1 over
 * other random splits, what the confidence threshold does, and training and loading times.
 *
 * Everything runs in this process, on one core: it is the cost a web process pays per request.
 */
import path from 'node:path';
import { DEMO_REQUESTS } from '../src/modules/demo/training-data.js';
import {
  DEFAULT_CONFIDENCE_THRESHOLD,
  DEFAULT_SEED,
  deserializeModel,
  type Evaluation,
  formatConfusion,
  keywordClassifier,
  predict,
  scorePredictions,
  serializeModel,
  stratifiedSplit,
  thresholdSweep,
  train,
} from '../src/platform/classifier/index.js';
import { REPO_ROOT } from './lib/paths.js';
import { formatNumber, formatRatio, renderTable } from './lib/table.js';
import type { BenchContext, Benchmark, BenchOutcome } from './lib/types.js';

const WARMUP_SECONDS = 2;
const REPEATED_SPLITS = 20;

/** Durations in a log-scale histogram (1 % wide buckets): percentiles without keeping every sample. */
class Histogram {
  private readonly buckets = new Map<number, number>();
  count = 0;
  sumNs = 0;
  private static readonly BASE = Math.log(1.01);

  add(ns: number): void {
    const b = Math.floor(Math.log(Math.max(ns, 1)) / Histogram.BASE);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + 1);
    this.count += 1;
    this.sumNs += ns;
  }

  /** The q-quantile in nanoseconds (bucket midpoint, ±0.5 %). */
  quantile(q: number): number {
    const target = Math.ceil(q * this.count);
    let seen = 0;
    for (const b of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(b)!;
      if (seen >= target) return Math.exp((b + 0.5) * Histogram.BASE);
    }
    return Number.NaN;
  }

  get meanNs(): number {
    return this.count === 0 ? Number.NaN : this.sumNs / this.count;
  }
}

interface TimedTarget {
  id: string;
  label: string;
  /** One operation on input i; returns something so the work cannot be optimised away. */
  run: (i: number) => unknown;
  inputs: number;
  /** Share of the measuring time (1 = ctx.seconds). */
  share: number;
  histogram: Histogram;
  spentMs: number;
}

let sink = 0;
const consume = (value: unknown) => {
  sink = (sink + (typeof value === 'string' ? value.length : value ? 1 : 0)) | 0;
};

/** Times each call of every target, in rounds (one pass over its inputs each), until each has had its share. */
function measureInterleaved(targets: TimedTarget[], seconds: number, warmupSeconds: number): void {
  const pass = (t: TimedTarget, record: boolean) => {
    const started = performance.now();
    for (let i = 0; i < t.inputs; i++) {
      const t0 = performance.now();
      consume(t.run(i));
      const t1 = performance.now();
      if (record) t.histogram.add((t1 - t0) * 1e6);
    }
    if (record) t.spentMs += performance.now() - started;
  };
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  while (performance.now() < warmupEnd) for (const t of targets) pass(t, false);
  for (;;) {
    const pending = targets.filter((t) => t.spentMs < t.share * seconds * 1000);
    if (pending.length === 0) break;
    for (const t of pending) pass(t, true);
  }
}

const us = (ns: number) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
const ms = (ns: number) => (ns / 1e6).toFixed(1);
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const startedAt = new Date();
  const notes: string[] = [];
  const { train: trainSet, test } = stratifiedSplit(DEMO_REQUESTS);
  const model = train(trainSet);
  const keywords = keywordClassifier();
  const labels = model.labels;
  ctx.print(
    `demo set: ${DEMO_REQUESTS.length} labelled French requests, ${labels.length} services; stratified split (seed ${DEFAULT_SEED}): ${trainSet.length} to train, ${test.length} held out`,
  );

  // --- Quality on the held-out split -----------------------------------------------------------
  const predictions = test.map((e) => ({ actual: e.serviceSlug, prediction: predict(model, e.text) }));
  const modelEval = scorePredictions(
    predictions.map((p) => ({ actual: p.actual, predicted: p.prediction.serviceSlug })),
    labels,
  );
  const keywordEval = scorePredictions(
    test.map((e) => ({ actual: e.serviceSlug, predicted: keywords.classify(e.text) })),
    labels,
  );
  ctx.print();
  ctx.print('Routing quality on the held-out split');
  ctx.print(
    renderTable(
      ['classifier', 'accuracy', 'macro-F1', 'vs baseline (macro-F1)'],
      [
        ['keyword matching (baseline)', pct(keywordEval.accuracy), keywordEval.macroF1.toFixed(3), '(baseline)'],
        [
          'naive Bayes (uni+bigrams, char 4-grams)',
          pct(modelEval.accuracy),
          modelEval.macroF1.toFixed(3),
          formatRatio(modelEval.macroF1, keywordEval.macroF1),
        ],
      ],
      ['left', 'right', 'right', 'right'],
    ),
  );
  ctx.print();
  ctx.print(
    renderTable(
      ['service', 'held out', 'P', 'R', 'F1', 'F1 keywords'],
      modelEval.perClass.map((c, i) => [
        c.serviceSlug,
        String(c.support),
        c.precision.toFixed(2),
        c.recall.toFixed(2),
        c.f1.toFixed(2),
        keywordEval.perClass[i]!.f1.toFixed(2),
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
  );
  ctx.print();
  ctx.print('Confusion matrix of the naive Bayes model (rows: right service, columns: proposed)');
  ctx.print(formatConfusion(modelEval));

  // Other splits: how much the figures depend on which messages were held out.
  const repeated: Array<{ seed: number; model: Evaluation; keywords: Evaluation }> = [];
  for (let seed = 1; seed <= REPEATED_SPLITS; seed++) {
    const split = stratifiedSplit(DEMO_REQUESTS, { seed });
    const m = train(split.train);
    repeated.push({
      seed,
      model: scorePredictions(
        split.test.map((e) => ({ actual: e.serviceSlug, predicted: predict(m, e.text).serviceSlug })),
        labels,
      ),
      keywords: scorePredictions(
        split.test.map((e) => ({ actual: e.serviceSlug, predicted: keywords.classify(e.text) })),
        labels,
      ),
    });
  }
  const spread = (xs: number[]) =>
    `${mean(xs).toFixed(3)} ± ${sd(xs).toFixed(3)} (${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)})`;
  const modelF1s = repeated.map((r) => r.model.macroF1);
  const keywordF1s = repeated.map((r) => r.keywords.macroF1);
  ctx.print();
  ctx.print(`Over ${REPEATED_SPLITS} other stratified splits (seeds 1–${REPEATED_SPLITS}), mean ± sd (min–max):`);
  ctx.print(
    renderTable(
      ['classifier', 'accuracy', 'macro-F1', 'vs baseline (mean macro-F1)'],
      [
        [
          'keyword matching (baseline)',
          spread(repeated.map((r) => r.keywords.accuracy)),
          spread(keywordF1s),
          '(baseline)',
        ],
        [
          'naive Bayes',
          spread(repeated.map((r) => r.model.accuracy)),
          spread(modelF1s),
          formatRatio(mean(modelF1s), mean(keywordF1s)),
        ],
      ],
      ['left', 'right', 'right', 'right'],
    ),
  );

  // The confidence threshold: routed automatically vs sent to the accueil.
  const thresholds = thresholdSweep(predictions);
  ctx.print();
  ctx.print(`Confidence threshold (held-out split; under it → accueil; default ${DEFAULT_CONFIDENCE_THRESHOLD})`);
  ctx.print(
    renderTable(
      ['threshold', 'routed automatically', 'right among them', 'to accueil', 'right service at once'],
      thresholds.map((t) => [
        `${t.threshold.toFixed(2)}${t.threshold === DEFAULT_CONFIDENCE_THRESHOLD ? ' *' : ''}`,
        pct(t.automaticShare),
        pct(t.automaticAccuracy),
        pct(t.toFallbackShare),
        pct(t.endToEndAccuracy),
      ]),
      ['right', 'right', 'right', 'right', 'right'],
    ),
  );
  notes.push(
    '"right service at once": routed automatically to the right service, or sent to the accueil when the accueil was the right service.',
  );

  // --- Time per classification ------------------------------------------------------------------
  const texts = test.map((e) => e.text);
  const payloads = texts.map((text) => JSON.stringify({ text }));
  const meanChars = Math.round(mean(texts.map((t) => t.length)));
  ctx.print();
  ctx.print(
    `Timing ${texts.length} held-out messages (mean ${meanChars} characters) one call at a time: ${WARMUP_SECONDS} s warm-up, then ${ctx.seconds} s per target (BENCH_SECONDS), interleaved …`,
  );
  const timed: TimedTarget[] = [
    {
      id: 'timer',
      label: 'empty call (timer overhead)',
      run: (i) => i,
      inputs: texts.length,
      share: 0.1,
      histogram: new Histogram(),
      spentMs: 0,
    },
    {
      id: 'json-parse',
      label: 'baseline: JSON.parse of {"text": …}',
      run: (i) => (JSON.parse(payloads[i]!) as { text: string }).text,
      inputs: texts.length,
      share: 1,
      histogram: new Histogram(),
      spentMs: 0,
    },
    {
      id: 'keywords',
      label: 'keyword matching',
      run: (i) => keywords.classify(texts[i]!),
      inputs: texts.length,
      share: 1,
      histogram: new Histogram(),
      spentMs: 0,
    },
    {
      id: 'predict',
      label: 'naive Bayes predict (with explanation)',
      run: (i) => predict(model, texts[i]!).serviceSlug,
      inputs: texts.length,
      share: 1,
      histogram: new Histogram(),
      spentMs: 0,
    },
  ];
  measureInterleaved(timed, ctx.seconds, WARMUP_SECONDS);
  const baseline = timed.find((t) => t.id === 'json-parse')!.histogram;
  ctx.print(
    renderTable(
      ['operation', 'calls', 'p50 µs', 'p99 µs', 'mean µs', 'per second', 'vs baseline (p50)'],
      timed.map((t) => {
        const h = t.histogram;
        return [
          t.label,
          String(h.count),
          us(h.quantile(0.5)),
          us(h.quantile(0.99)),
          us(h.meanNs),
          formatNumber(1e9 / h.meanNs),
          t.id === 'json-parse'
            ? '(baseline)'
            : t.id === 'timer'
              ? '(timer)'
              : formatRatio(h.quantile(0.5), baseline.quantile(0.5)),
        ];
      }),
      ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
  );

  // --- Training and loading a commune's model ---------------------------------------------------
  const serialized = serializeModel(model);
  const loadTargets: TimedTarget[] = [
    {
      id: 'parse-model',
      label: 'baseline: JSON.parse of the stored model',
      run: () => JSON.parse(serialized),
      inputs: 1,
      share: 0.2,
      histogram: new Histogram(),
      spentMs: 0,
    },
    {
      id: 'load-model',
      label: 'deserializeModel (parse + validate)',
      run: () => deserializeModel(serialized),
      inputs: 1,
      share: 0.2,
      histogram: new Histogram(),
      spentMs: 0,
    },
    {
      id: 'train',
      label: `train on ${trainSet.length} examples (incl. temperature fit)`,
      run: () => train(trainSet),
      inputs: 1,
      share: 0.6,
      histogram: new Histogram(),
      spentMs: 0,
    },
  ];
  measureInterleaved(loadTargets, ctx.seconds, 1);
  const parseBaseline = loadTargets[0]!.histogram;
  ctx.print();
  ctx.print(
    `Training and loading a model (${model.counts.size} features, ${formatNumber(serialized.length / 1024)} KiB of JSON)`,
  );
  ctx.print(
    renderTable(
      ['operation', 'runs', 'p50 ms', 'p99 ms', 'vs baseline (p50)'],
      loadTargets.map((t) => [
        t.label,
        String(t.histogram.count),
        ms(t.histogram.quantile(0.5)),
        ms(t.histogram.quantile(0.99)),
        t.id === 'parse-model' ? '(baseline)' : formatRatio(t.histogram.quantile(0.5), parseBaseline.quantile(0.5)),
      ]),
      ['left', 'right', 'right', 'right', 'right'],
    ),
  );

  notes.push(
    `Timings are per call in this process (one core of ${ctx.machine.cores}), including ~${us(timed[0]!.histogram.quantile(0.5))} µs of timer overhead; compare ratios, not absolute numbers.`,
    'The keyword baseline uses the same French normalisation as the model (accents, elisions, plurals), with ~10 keywords per service taken from the services’ descriptions.',
  );
  ctx.print();
  for (const note of notes) ctx.print(note);

  const file = ctx.writeResults('classifier', {
    benchmark: 'classifier',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: ctx.machine,
    settings: {
      seconds: ctx.seconds,
      warmupSeconds: WARMUP_SECONDS,
      seed: DEFAULT_SEED,
      repeatedSplits: REPEATED_SPLITS,
      model: model.options,
      temperature: model.temperature,
      threshold: DEFAULT_CONFIDENCE_THRESHOLD,
    },
    data: { examples: DEMO_REQUESTS.length, train: trainSet.length, test: test.length, meanChars },
    quality: {
      model: modelEval,
      keywords: keywordEval,
      repeated: {
        modelMacroF1: { mean: mean(modelF1s), sd: sd(modelF1s), values: modelF1s },
        keywordsMacroF1: { mean: mean(keywordF1s), sd: sd(keywordF1s), values: keywordF1s },
      },
      thresholds,
    },
    timing: [...timed, ...loadTargets].map((t) => ({
      id: t.id,
      label: t.label,
      calls: t.histogram.count,
      p50Us: t.histogram.quantile(0.5) / 1000,
      p99Us: t.histogram.quantile(0.99) / 1000,
      meanUs: t.histogram.meanNs / 1000,
    })),
    modelSize: { features: model.counts.size, jsonBytes: serialized.length },
    notes,
    sink,
  });
  ctx.print(`results: ${path.relative(REPO_ROOT, file)}`);
  return { ok: true };
}

const benchmark: Benchmark = {
  name: 'classifier',
  title: 'Request routing classifier vs keyword matching (held-out quality) and vs JSON.parse (time per call)',
  run,
};
export default benchmark;
