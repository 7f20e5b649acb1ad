import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type ObjectEvent, requestsForControllerOwner, requestsForObjects } from './sources.js';

const rsOwner = (name: string, controller = true) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name,
  uid: `uid-${name}`,
  controller,
});

describe('sources', () => {
  it('maps objects to their own requests', async () => {
    const events: ObjectEvent[] = [
      { object: { metadata: { namespace: 'default', name: 'web' } } },
      { object: { metadata: { name: 'node-1' } } },
      { object: { metadata: {} } },
    ];
    expect(await firstValueFrom(requestsForObjects(from(events)).pipe(toArray()))).toEqual([
      { namespace: 'default', name: 'web' },
      { namespace: '', name: 'node-1' },
    ]);
  });

  it('maps objects to their controlling owner of the right kind, old and new', async () => {
    const events: ObjectEvent[] = [
      { object: { metadata: { namespace: 'ns', name: 'p1', ownerReferences: [rsOwner('rs-a')] } } },
      { object: { metadata: { namespace: 'ns', name: 'p2', ownerReferences: [rsOwner('rs-a', false)] } } },
      {
        object: { metadata: { namespace: 'ns', name: 'p3', ownerReferences: [rsOwner('rs-b')] } },
        oldObject: { metadata: { namespace: 'ns', name: 'p3', ownerReferences: [rsOwner('rs-a')] } },
      },
      {
        object: {
          metadata: {
            namespace: 'ns',
            name: 'p4',
            ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }],
          },
        },
      },
    ];
    const got = await firstValueFrom(
      requestsForControllerOwner(from(events), { apiVersion: 'apps/v1', kind: 'ReplicaSet' }).pipe(toArray()),
    );
    expect(got).toEqual([
      { namespace: 'ns', name: 'rs-a' },
      { namespace: 'ns', name: 'rs-b' },
      { namespace: 'ns', name: 'rs-a' },
    ]);
  });
});
