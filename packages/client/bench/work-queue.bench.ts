/**
 * Work-queue throughput: add + get + done cycles per second, against a plain array FIFO as baseline
 * (the floor any queue pays), with de-duplication exercised by adding each key twice.
 */
import { VirtualClock } from '@flotilla/clock';
import { WorkQueue } from '../src/work-queue.js';

const N = 1_000_000;
const keys = Array.from({ length: 10_000 }, (_, i) => `default/pod-${i}`);

function bench(name: string, fn: () => void): number {
  fn(); // warm-up
  const start = performance.now();
  fn();
  const seconds = (performance.now() - start) / 1000;
  const perSecond = N / seconds;
  console.log(`BENCH ${name} ${Math.round(perSecond)} ops/s`);
  return perSecond;
}

const baseline = bench('client.baseline.array_fifo', () => {
  const q: string[] = [];
  let head = 0;
  for (let i = 0; i < N; i++) {
    q.push(keys[i % keys.length] as string);
    if (q.length - head > 100) head++;
  }
});

const queue = bench('client.workqueue.add_get_done', () => {
  const q = new WorkQueue<string>({ clock: new VirtualClock() });
  for (let i = 0; i < N; i++) {
    const k = keys[i % keys.length] as string;
    q.add(k);
    q.add(k);
    if (q.length > 100) {
      const got = q.tryGet();
      if (got !== undefined) q.done(got);
    }
  }
});

console.log(`BENCH client.workqueue.vs_array_fifo ${(queue / baseline).toFixed(3)} x`);
