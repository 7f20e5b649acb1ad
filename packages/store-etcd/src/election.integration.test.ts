import { spawn } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Etcd3 } from 'etcd3';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { elect, type Leadership } from './election.js';

const endpoints = process.env.FLOTILLA_ETCD_ENDPOINTS ?? '127.0.0.1:23790';
const here = dirname(fileURLToPath(import.meta.url));
let n = 0;
const electionName = () => `/t-election-${process.pid}-${Date.now().toString(36)}-${n++}`;

const candidates: Leadership[] = [];
const clients: Etcd3[] = [];
afterEach(async () => {
  await Promise.all(candidates.splice(0).map((c) => c.resign()));
  for (const c of clients.splice(0)) c.close();
});

const candidate = (name: string, identity: string, ttlSeconds = 2, client?: Etcd3) => {
  const c = elect({ ...(client ? { client } : { endpoints }), name, identity, ttlSeconds });
  candidates.push(c);
  return c;
};
const trackClient = (client: Etcd3) => {
  clients.push(client);
  return client;
};

/** A loopback TCP proxy to `target` whose `cut()` drops every connection and refuses new ones. */
async function tcpProxy(target: string) {
  const [host, port] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = connect(Number(port), host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    close() {
      this.cut();
      server.close();
    },
  };
}

const becomes = (c: Leadership, value: boolean) => firstValueFrom(c.changes.pipe(filter((v) => v === value)));

describe('elect', () => {
  it('elects exactly one of three candidates and reports its identity', async () => {
    const name = electionName();
    const all = ['a', 'b', 'c'].map((id) => candidate(name, id));
    await Promise.race(all.map((c) => becomes(c, true)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const leaders = all.filter((c) => c.isLeader);
    expect(leaders).toHaveLength(1);
    expect(await all[2]!.leader()).toBe(leaders[0]!.identity);
  });

  it('hands over at once when the leader resigns', async () => {
    const name = electionName();
    const a = candidate(name, 'a');
    await becomes(a, true);
    const b = candidate(name, 'b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.isLeader).toBe(false);
    const start = Date.now();
    await a.resign();
    await becomes(b, true);
    expect(Date.now() - start).toBeLessThan(1_000);
    expect(a.isLeader).toBe(false);
    expect(await b.leader()).toBe('b');
  });

  it('fails over within the lease TTL when the leader is killed (SIGKILL)', async () => {
    const name = electionName();
    const ttlSeconds = 2;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@flotilla/source',
        '--import',
        'tsx',
        join(here, 'election-candidate.test-support.ts'),
        endpoints,
        name,
        'a',
      ],
      { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('leader\n') && !chunk.startsWith('follower')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`candidate exited with ${code}`)));
      });
      const b = candidate(name, 'b', ttlSeconds);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(b.isLeader).toBe(false);
      expect(await b.leader()).toBe('a');
      const killedAt = Date.now();
      child.kill('SIGKILL'); // no keepalives, no revoke: the lease must expire on its own
      await becomes(b, true);
      const failover = Date.now() - killedAt;
      // The lease outlives the kill by at most the TTL (minus the time since the last keepalive);
      // etcd checks expiry every 500 ms.
      expect(failover).toBeLessThan(ttlSeconds * 1000 + 600);
      expect(await b.leader()).toBe('b');
      console.log(`BENCH store-etcd.election.failover ${failover} ms`);
    } finally {
      clearTimeout(guard);
      child.kill('SIGKILL');
    }
  });

  it('a leader cut off from etcd steps down before another candidate can lead', async () => {
    const name = electionName();
    const proxy = await tcpProxy(endpoints.split(',')[0]!);
    try {
      const a = candidate(name, 'a', 2, trackClient(new Etcd3({ hosts: `http://127.0.0.1:${proxy.port}` })));
      await becomes(a, true);
      const b = candidate(name, 'b', 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      let aDown = 0;
      let bUp = 0;
      const down = becomes(a, false).then(() => {
        aDown = Date.now();
      });
      const up = becomes(b, true).then(() => {
        bUp = Date.now();
      });
      const cut = Date.now();
      proxy.cut(); // a's keepalives stop reaching etcd; its lease expires there, a must notice first
      await Promise.all([down, up]);
      expect(aDown - cut).toBeLessThanOrEqual(2_100);
      expect(aDown).toBeLessThanOrEqual(bUp);
    } finally {
      proxy.close();
    }
  });

  it.each([
    { name: 'ttlSeconds 1', options: { ttlSeconds: 1 }, want: /ttlSeconds/ },
    { name: 'an empty name', options: { name: '' }, want: /name/ },
    { name: 'an empty identity', options: { identity: '' }, want: /identity/ },
  ])('rejects $name', ({ options, want }) => {
    expect(() => elect({ endpoints, name: '/x', identity: 'a', ...options })).toThrow(want);
  });
});
