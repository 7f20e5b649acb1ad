import { ApiError, isConflict } from '@flotilla/api';
import { createInProcessClient } from '@flotilla/client';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ClientCall, faultyClient } from './faulty-client.js';

describe('faultyClient', () => {
  it('asks the policy before every call; a failed call never reaches the store', async () => {
    const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
    const seen: ClientCall[] = [];
    const client = faultyClient(createInProcessClient(store), (call) => {
      seen.push(call);
      return call.verb === 'create' && call.name === 'bad'
        ? ApiError.conflict({ group: '', resource: 'namespaces' }, 'bad')
        : undefined;
    });
    const namespaces = client.resource('v1', 'Namespace');
    await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'good' } });
    await expect(
      namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad' } }),
    ).rejects.toSatisfy(isConflict);
    expect((await namespaces.list()).items.map((n) => n.metadata?.name)).toEqual(['good']);
    expect(seen.map((c) => `${c.verb} ${c.kind} ${c.name ?? ''}`)).toEqual([
      'create Namespace good',
      'create Namespace bad',
      'list Namespace ',
    ]);
  });

  it('fails a watch at subscription', async () => {
    const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
    const client = faultyClient(
      createInProcessClient(store),
      () => new ApiError('ServiceUnavailable', 'partitioned'),
    );
    await expect(firstValueFrom(client.resource('v1', 'Pod').namespace('default').watch())).rejects.toThrow(
      'partitioned',
    );
  });
});
