import { Collector, describeBackendConformance } from '@flotilla/store/testing';
import { describe, expect, it } from 'vitest';
import { EtcdBackend } from './etcd-backend.js';

// One etcd serves every test: each backend gets its own key prefix. Compaction is global in etcd, so
// the suite runs in this one file, sequentially (vitest.integration.config.ts disables file
// parallelism), and no other writer may touch this etcd meanwhile.
const endpoints = process.env.FLOTILLA_ETCD_ENDPOINTS ?? '127.0.0.1:23790';
const run = `/t-${process.pid}-${Date.now().toString(36)}`;
let n = 0;

describeBackendConformance('EtcdBackend', () => new EtcdBackend({ endpoints, prefix: `${run}/${n++}` }));

describe('EtcdBackend without a prefix', () => {
  it('ranges and watches the empty prefix (every key) under its own root', async () => {
    // A root-less backend sees the whole etcd; compare only this run's keys.
    const b = new EtcdBackend({ endpoints });
    try {
      const from = await b.currentRevision();
      const w = new Collector(b.watch('', from));
      const rev = await b.create(`${run}/rootless/a`, 'x');
      await w.until((batches) => batches.flat().some((e) => e.kv.modRevision === rev));
      expect(flatKeys(w.values)).toContain(`${run}/rootless/a`);
      const all = await b.range('', { revision: rev, startAfter: `${run}/rootless/`, limit: 5 });
      expect(all.items.map((kv) => kv.key)).toContain(`${run}/rootless/a`);
      w.unsubscribe();
    } finally {
      await b.close();
    }
  });
});

const flatKeys = (batches: readonly (readonly { kv: { key: string } }[])[]) =>
  batches.flat().map((e) => e.kv.key);
