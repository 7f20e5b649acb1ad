/**
 * A user's reconciler: every Deployment annotated `example.com/report: "true"` gets a ConfigMap
 * `<name>-report` saying how many of its pods are ready — kept up to date as pods come and go.
 */
import { isAlreadyExists, isNotFound } from '@flotilla/api';
import type { Client, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { Controller, isPodReady, type Request, requestsForObjects } from '@flotilla/controllers';
import { filter, map } from 'rxjs';

export const REPORT_ANNOTATION = 'example.com/report';

export function createReportController(deps: {
  client: Client;
  informers: SharedInformerFactory;
  clock: Clock;
}): Controller {
  const deployments = deps.informers.informerFor('apps/v1', 'Deployment');
  const pods = deps.informers.informerFor('v1', 'Pod');
  // A pod change wakes the Deployment of the same app (label `app`); a Deployment change, itself.
  const podRequests = pods.events$.pipe(
    map(
      (e): Request => ({
        namespace: e.object.metadata?.namespace ?? '',
        name: e.object.metadata?.labels?.app ?? '',
      }),
    ),
    filter((r) => r.name !== ''),
  );
  return new Controller({
    name: 'report',
    clock: deps.clock,
    sources: [requestsForObjects(deployments.events$), podRequests],
    reconciler: {
      async reconcile({ namespace, name }: Request) {
        const d = deployments.lister().get(namespace, name);
        if (d?.metadata?.annotations?.[REPORT_ANNOTATION] !== 'true') return;
        const ready = pods
          .lister()
          .list({ namespace })
          .filter(
            (p) => p.metadata?.labels?.app === name && !p.metadata.deletionTimestamp && isPodReady(p),
          ).length;
        const configMaps = deps.client.resource('v1', 'ConfigMap').namespace(namespace);
        const data = { ready: String(ready) };
        try {
          const current = await configMaps.get(`${name}-report`);
          if (current.data?.ready !== data.ready) await configMaps.update({ ...current, data });
        } catch (error) {
          if (!isNotFound(error)) throw error;
          await configMaps
            .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-report` }, data })
            .catch((e: unknown) => {
              if (!isAlreadyExists(e)) throw e;
            });
        }
      },
    },
  });
}
