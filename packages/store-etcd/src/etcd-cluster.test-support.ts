import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';

/** A member of an etcd cluster started by a test, on loopback ports. */
export interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly endpoint: string;
  process: ChildProcess | undefined;
}

/**
 * Starts `size` etcd members on loopback (client ports `basePort + i`, peer ports `basePort + 100 + i`)
 * in one temporary directory, and waits until the cluster answers. `kill(i)` SIGKILLs a member,
 * `restart(i)` starts it again on its data directory, `stop()` kills all and removes the directory.
 */
export async function startCluster(size: number, basePort: number) {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-etcd-cluster-'));
  const token = `flotilla-${basePort}-${process.pid}`;
  const members: Member[] = Array.from({ length: size }, (_, i) => ({
    name: `m${i}`,
    clientPort: basePort + i,
    endpoint: `127.0.0.1:${basePort + i}`,
    process: undefined,
  }));
  const initialCluster = members.map((m, i) => `${m.name}=http://127.0.0.1:${basePort + 100 + i}`).join(',');
  const launch = (i: number, state: 'new' | 'existing') => {
    const m = members[i] as Member;
    const peer = `http://127.0.0.1:${basePort + 100 + i}`;
    m.process = spawn(
      'etcd',
      [
        '--name',
        m.name,
        '--data-dir',
        join(dir, m.name),
        '--listen-client-urls',
        `http://${m.endpoint}`,
        '--advertise-client-urls',
        `http://${m.endpoint}`,
        '--listen-peer-urls',
        peer,
        '--initial-advertise-peer-urls',
        peer,
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-token',
        token,
        '--initial-cluster-state',
        state,
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    );
  };
  for (let i = 0; i < size; i++) launch(i, 'new');
  const endpoints = members.map((m) => m.endpoint);
  await waitHealthy(endpoints);
  return {
    members,
    endpoints,
    kill(i: number) {
      members[i]?.process?.kill('SIGKILL');
      (members[i] as Member).process = undefined;
    },
    async restart(i: number) {
      launch(i, 'existing');
      await waitHealthy([(members[i] as Member).endpoint]);
    },
    async leaderIndex(): Promise<number> {
      const client = new Etcd3({ hosts: endpoints.map((e) => `http://${e}`) });
      try {
        const status = await client.maintenance.status();
        const leader = status.leader;
        const list = await client.cluster.memberList({});
        const member = list.members.find((m) => m.ID === leader);
        return members.findIndex((m) => m.name === member?.name);
      } finally {
        client.close();
      }
    },
    stop() {
      for (const m of members) m.process?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitHealthy(endpoints: readonly string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new Etcd3({ hosts: endpoints.map((e) => `http://${e}`), dialTimeout: 1_000 });
    try {
      await client
        .put('/health')
        .value('ok')
        .options({ deadline: new Date(Date.now() + 1_000) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      client.close();
    }
  }
}
