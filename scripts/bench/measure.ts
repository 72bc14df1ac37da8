// Timing tools of the bench: samples with a time budget, percentiles, interleaved subject/baseline runs, a keep-alive load generator, figures.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

/** One measured figure as the JSON line reports it. */
export interface Figure {
  name: string;
  value: number;
  /** The same work done the plain way in the same run (null for absolute figures: a median in ms, an RSS in MB). */
  baseline: number | null;
  /** value ÷ baseline (null for absolute figures, where `value` is compared with the target). */
  ratio: number | null;
  target: number;
  direction: '>=' | '<=';
  met: boolean;
  /** What was measured and how many samples, for the reader of the summary. */
  unit: string;
  samples?: number;
  note?: string;
}

/** A ratio figure (ratio = value ÷ baseline compared with the target). */
export function ratioFigure(name: string, unit: string, value: number, baseline: number, target: number, direction: '>=' | '<=', extra: Partial<Figure> = {}): Figure {
  const ratio = baseline > 0 ? value / baseline : Number.POSITIVE_INFINITY;
  return {
    name,
    unit,
    value: round(value),
    baseline: round(baseline),
    ratio: round(ratio),
    target,
    direction,
    met: direction === '>=' ? ratio >= target : ratio <= target,
    ...extra,
  };
}

/** An absolute figure (value compared with the target). */
export function absoluteFigure(name: string, unit: string, value: number, target: number, direction: '>=' | '<=', extra: Partial<Figure> = {}): Figure {
  return { name, unit, value: round(value), baseline: null, ratio: null, target, direction, met: direction === '>=' ? value >= target : value <= target, ...extra };
}

export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value * 10) / 10 : Math.round(value * 1000) / 1000;
}

/** The p-th percentile (nearest rank) of the values. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface SampleBudget {
  /** Samples wanted (each side). */
  samples: number;
  /** Stop early once this much time went by, if at least `minSamples` were taken (a slow store must not stall the run). */
  budgetMs: number;
  minSamples?: number;
}

/**
 * Times `subject` and `baseline` alternately (subject, baseline, subject, …) so that a noisy neighbour on the
 * machine hits both alike; returns both lists of milliseconds. The first call of each is a warm-up, not counted,
 * unless the pair alone took longer than the budget: then it is the only sample.
 */
export async function interleaved(
  budget: SampleBudget,
  subject: (i: number) => Promise<unknown>,
  baseline?: (i: number) => Promise<unknown>,
): Promise<{ subject: number[]; baseline: number[] }> {
  const started = performance.now();
  let start = performance.now();
  await subject(-1);
  const coldSubject = performance.now() - start;
  start = performance.now();
  if (baseline) await baseline(-1);
  const coldBaseline = performance.now() - start;
  // Too slow to repeat within the budget (a scan of the whole store): the cold pair stands alone as the sample.
  if (coldSubject + coldBaseline > budget.budgetMs) return { subject: [coldSubject], baseline: baseline ? [coldBaseline] : [] };
  const times = { subject: [] as number[], baseline: [] as number[] };
  const minSamples = budget.minSamples ?? 5;
  for (let i = 0; i < budget.samples; i += 1) {
    start = performance.now();
    await subject(i);
    times.subject.push(performance.now() - start);
    if (baseline) {
      start = performance.now();
      await baseline(i);
      times.baseline.push(performance.now() - start);
    }
    if (performance.now() - started > budget.budgetMs && i + 1 >= minSamples) break;
  }
  return times;
}

/** Times one kind of request alone (the growth figures compare two phases, each measured this way). */
export async function sample(budget: SampleBudget, work: (i: number) => Promise<unknown>): Promise<number[]> {
  return (await interleaved(budget, work)).subject;
}

/**
 * Requests per second of GET `url` from `connections` keep-alive connections for `durationMs` (autocannon's
 * model: each connection sends the next request when the previous answer arrived). Non-2xx answers count as errors.
 */
export async function loadTest(
  url: string,
  options: { connections: number; durationMs: number; headers?: Record<string, string> },
): Promise<{ rps: number; requests: number; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(url);
  const deadline = performance.now() + options.durationMs;
  let requests = 0;
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = http.request({ agent, host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: options.headers }, (res) => {
        if ((res.statusCode ?? 500) >= 300) errors += 1;
        res.on('data', () => undefined);
        res.on('end', () => resolve());
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < deadline) {
        await one();
        requests += 1;
      }
    }),
  );
  const elapsed = performance.now() - started;
  agent.destroy();
  return { rps: (requests * 1000) / elapsed, requests, errors };
}

/** Runs `work` on `clients` concurrent workers pulling the next job until none is left; returns the elapsed ms. */
export async function concurrently<T>(jobs: T[], clients: number, work: (job: T) => Promise<unknown>): Promise<number> {
  const queue = [...jobs];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await work(job);
    }),
  );
  return performance.now() - started;
}
