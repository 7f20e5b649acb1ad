import type { Client } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { of } from 'rxjs';
import { Controller } from '../controller.js';
import type { Request } from '../reconciler.js';
import type { ServiceAllocator } from './allocator.js';

/** Kubernetes repairs its service IP and node port tables every 3 minutes. */
export const SERVICE_IP_REPAIR_INTERVAL_MS = 180_000;

export interface ServiceIPRepairOptions {
  readonly client: Client;
  readonly clock: Clock;
  readonly allocator: ServiceAllocator;
  /** Default `SERVICE_IP_REPAIR_INTERVAL_MS`. */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

/**
 * The API server's repair loop for cluster IPs and node ports, as a controller with one work item:
 * at start and then every `intervalMs`, lists the Services and lets `allocator.repair` release what
 * leaked (seen unused by two passes in a row).
 */
export function createServiceIPRepairController(options: ServiceIPRepairOptions): Controller {
  const { client, clock, allocator } = options;
  const interval = options.intervalMs ?? SERVICE_IP_REPAIR_INTERVAL_MS;
  return new Controller({
    name: 'service-ip-repair',
    clock,
    sources: [of({ namespace: '', name: 'service-ip-repair' })],
    reconciler: {
      async reconcile() {
        const since = allocator.mark();
        allocator.repair((await client.resource('v1', 'Service').list()).items, since);
        return { requeueAfter: interval };
      },
    },
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
  });
}
