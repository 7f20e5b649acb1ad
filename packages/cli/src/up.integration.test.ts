/**
 * `flotilla up --store etcd:…` against the real etcd that `.ci/etcd.sh` starts
 * (FLOTILLA_ETCD_ENDPOINTS): objects outlive the cluster that wrote them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import { startUp } from './up.js';

const run = promisify(execFile);
const endpoints = process.env.FLOTILLA_ETCD_ENDPOINTS ?? '127.0.0.1:23790';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-etcd-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 15_000,
  });
  return stdout;
}

describe('flotilla up on etcd', () => {
  it('keeps objects in etcd across a restart', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const parsed = parseCommandLine(
      ['up', '--nodes', '1', '--store', `etcd:${endpoints}`, '--kubeconfig', kubeconfig],
      {
        cwd: dir,
        home: dir,
        defaultImageDir: undefined,
      },
    );
    if (!parsed.ok || parsed.value.command !== 'up') throw new Error(JSON.stringify(parsed));
    const name = `kept-${process.pid}-${Date.now()}`;
    writeFileSync(
      join(dir, 'cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: "1"}\n`,
    );

    const first = await startUp(parsed.value.config);
    try {
      expect(await kubectl(kubeconfig, 'create', '-f', join(dir, 'cm.yaml'))).toBe(
        `configmap/${name} created\n`,
      );
    } finally {
      await first.stop();
    }

    const second = await startUp(parsed.value.config);
    try {
      expect(await kubectl(kubeconfig, 'get', 'configmap', name, '-o', 'jsonpath={.data.a}')).toBe('1');
      expect(await kubectl(kubeconfig, 'delete', 'configmap', name)).toBe(`configmap "${name}" deleted\n`);
    } finally {
      await second.stop();
    }
  });
});
