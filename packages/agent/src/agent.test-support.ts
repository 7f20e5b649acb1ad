import type { Container, Pod, PodSpec } from '@flotilla/api';
import {
  type ApiObject,
  type Client,
  createInProcessClient,
  type ResourceClient,
  SharedInformerFactory,
} from '@flotilla/client';
import { VirtualClock } from '@flotilla/clock';
import { SimulatedRuntime, type SimulatedRuntimeOptions } from '@flotilla/runtime';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { type Agent, type AgentOptions, createAgent } from './agent.js';
import { CONTAINER_ID_PREFIX } from './pod-status.js';

export const NODE = 'node-1';

/** Store + in-process client + informers + SimulatedRuntime + one agent, all on one VirtualClock. */
export async function createSimNode(
  runtimeOptions: Partial<SimulatedRuntimeOptions> = {},
  agentOptions: Partial<AgentOptions> = {},
) {
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock });
  const client: Client = createInProcessClient(store);
  /** Every Pod status the agent wrote, in order (what it sent, whatever the store did with it). */
  const statusWrites: Pod[] = [];
  const recording = (r: ResourceClient<ApiObject>): ResourceClient<ApiObject> =>
    new Proxy(r, {
      get(target, prop) {
        if (prop === 'namespace') return (ns: string) => recording(target.namespace(ns));
        if (prop === 'updateStatus') {
          return async (obj: ApiObject) => {
            const out = await target.updateStatus(obj);
            statusWrites.push(obj as Pod);
            return out;
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const agentClient: Client = {
    resource: (apiVersion, kind) => {
      const r = client.resource(apiVersion, kind);
      return (kind === 'Pod' ? recording(r as ResourceClient<ApiObject>) : r) as typeof r;
    },
  };
  const informers = new SharedInformerFactory(client, { clock });
  const runtime = new SimulatedRuntime({ clock, ...runtimeOptions });
  const errors: unknown[] = [];
  const agent: Agent = createAgent({
    nodeName: NODE,
    client: agentClient,
    informers,
    runtime,
    clock,
    onError: (error) => errors.push(error),
    ...agentOptions,
  });
  informers.start();
  await agent.start();
  const pods = client.resource('v1', 'Pod').namespace('default');
  const get = (name: string) => pods.get(name);
  /** Creates a pod bound to the node. */
  const create = (name: string, spec: Partial<PodSpec> = {}, containers?: Container[]) =>
    pods.create(podOf(name, spec, containers));
  /** The runtime id of a pod's container, from its status. */
  const containerId = async (name: string, container = 'web') => {
    const pod = await get(name);
    const id = pod.status?.containerStatuses?.find((s) => s.name === container)?.containerID;
    if (!id) throw new Error(`no containerID for ${name}/${container}`);
    return id.slice(CONTAINER_ID_PREFIX.length);
  };
  return {
    clock,
    store,
    client,
    informers,
    runtime,
    agent,
    pods,
    get,
    create,
    containerId,
    errors,
    statusWrites,
  };
}

export function podOf(name: string, spec: Partial<PodSpec> = {}, containers?: Container[]): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: NODE,
      containers: containers ?? [{ name: 'web', image: 'web:v1', ports: [{ containerPort: 8080 }] }],
      ...spec,
    },
  };
}

export const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);
export const containerStatus = (pod: Pod, name = 'web') =>
  pod.status?.containerStatuses?.find((s) => s.name === name);
