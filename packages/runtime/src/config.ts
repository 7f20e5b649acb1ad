import type { Container, ContainerPort, EnvVarSource, Pod } from '@flotilla/api';
import { RuntimeError } from './errors.js';
import type { ContainerConfig, PodSandboxConfig, PortMapping } from './types.js';

/** Labels the kubelet puts on every sandbox and container, so a runtime's objects map back to pods. */
export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';
export const RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';

/**
 * Expands `$(VAR)` references as Kubernetes does for `env`, `command` and `args`: a defined variable is
 * replaced, an undefined one is left as written, `$$` is a literal `$`, and an unclosed `$(` stays.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    if (next === '$') {
      out += '$';
      cursor += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$(';
        cursor += 1;
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        cursor = close;
      }
    } else {
      out += `$${next}`;
      cursor += 1;
    }
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

function portsOf(ports: readonly ContainerPort[] | undefined): PortMapping[] {
  return (ports ?? []).map((p) => ({
    containerPort: p.containerPort,
    protocol: (p.protocol ?? 'TCP') as PortMapping['protocol'],
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.hostPort === undefined ? {} : { hostPort: p.hostPort }),
    ...(p.hostIP === undefined ? {} : { hostIP: p.hostIP }),
  }));
}

function identity(pod: Pod): { uid: string; name: string; namespace: string } {
  const { uid, name } = pod.metadata ?? {};
  if (!uid)
    throw new RuntimeError('InvalidConfig', 'metadata.uid: Required value: a pod sandbox needs the pod uid');
  if (!name) throw new RuntimeError('InvalidConfig', 'metadata.name: Required value');
  return { uid, name, namespace: pod.metadata?.namespace ?? 'default' };
}

/** The sandbox config the kubelet derives from a Pod (`attempt` counts sandbox re-creations). */
export function podSandboxConfig(pod: Pod, attempt = 0): PodSandboxConfig {
  const { uid, name, namespace } = identity(pod);
  return {
    uid,
    name,
    namespace,
    attempt,
    labels: {
      ...pod.metadata?.labels,
      [POD_NAME_LABEL]: name,
      [POD_NAMESPACE_LABEL]: namespace,
      [POD_UID_LABEL]: uid,
    },
    annotations: { ...pod.metadata?.annotations },
    hostname: (pod.spec?.hostname ?? name).slice(0, 63),
    portMappings: (pod.spec?.containers ?? []).flatMap((c) => portsOf(c.ports)),
  };
}

export interface ContainerConfigOptions {
  /** Restart count of this container (CRI `attempt`). */
  readonly attempt?: number;
  /** Values for `status.podIP`, `status.hostIP` and `spec.nodeName` field references. */
  readonly podIP?: string;
  readonly hostIP?: string;
  readonly nodeName?: string;
  /** Service variables (`WEB_SERVICE_HOST`, …) visible to `$(VAR)` but overridden by `env`. */
  readonly serviceEnv?: Readonly<Record<string, string>>;
  /**
   * Resolves `configMapKeyRef`, `secretKeyRef` and `resourceFieldRef`; `undefined` means missing. Without it
   * such a variable fails with `CreateContainerConfigError` unless it is optional.
   */
  readonly resolveEnvSource?: (name: string, source: EnvVarSource) => string | undefined;
}

function fieldRefValue(pod: Pod, path: string, options: ContainerConfigOptions): string | undefined {
  const meta = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? meta.labels : meta.annotations)?.[keyed[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return meta.name;
    case 'metadata.namespace':
      return meta.namespace ?? 'default';
    case 'metadata.uid':
      return meta.uid;
    case 'spec.nodeName':
      return options.nodeName ?? pod.spec?.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP':
    case 'status.podIPs':
      return options.podIP ?? pod.status?.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return options.hostIP ?? pod.status?.hostIP;
    default:
      return undefined;
  }
}

/**
 * The container config the kubelet derives from a Pod's container: env resolved in order (each value
 * may refer to earlier ones and to service variables), `command` and `args` expanded, the kubelet's
 * labels added. Throws `CreateContainerConfigError` for a variable it cannot resolve.
 */
export function containerConfig(
  pod: Pod,
  container: Container,
  options: ContainerConfigOptions = {},
): ContainerConfig {
  const { uid, name, namespace } = identity(pod);
  const attempt = options.attempt ?? 0;
  const env = new Map<string, string>();
  const lookup = (v: string) => env.get(v) ?? options.serviceEnv?.[v];
  for (const variable of container.env ?? []) {
    let value: string | undefined;
    const source = variable.valueFrom;
    if (source === undefined) value = expandVars(variable.value ?? '', lookup);
    else if (source.fieldRef) value = fieldRefValue(pod, source.fieldRef.fieldPath, options);
    else value = options.resolveEnvSource?.(variable.name, source);
    if (value === undefined) {
      const optional = source?.configMapKeyRef?.optional ?? source?.secretKeyRef?.optional ?? false;
      if (optional) continue;
      throw new RuntimeError(
        'CreateContainerConfigError',
        `couldn't resolve environment variable "${variable.name}" of container "${container.name}"`,
      );
    }
    env.delete(variable.name);
    env.set(variable.name, value);
  }
  const expand = (s: string) => expandVars(s, lookup);
  return {
    name: container.name,
    attempt,
    image: container.image ?? '',
    command: (container.command ?? []).map(expand),
    args: (container.args ?? []).map(expand),
    env: [...env].map(([n, value]) => ({ name: n, value })),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    ports: portsOf(container.ports),
    labels: {
      [POD_NAME_LABEL]: name,
      [POD_NAMESPACE_LABEL]: namespace,
      [POD_UID_LABEL]: uid,
      [CONTAINER_NAME_LABEL]: container.name,
    },
    annotations: { [RESTART_COUNT_ANNOTATION]: String(attempt) },
    ...(container.resources ? { resources: container.resources } : {}),
  };
}
