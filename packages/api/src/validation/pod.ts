/**
 * Pod spec validation, as kubernetes `pkg/apis/core/validation`: containers and init containers
 * (names, images, ports, env, resources, probes), volumes, restart and DNS policies, tolerations,
 * node selectors and affinity.
 */
import { validateLabelKey, validateLabelValue } from '@flotilla/labels';
import { fieldErrors } from '../field-errors.js';
import type {
  Affinity,
  Container,
  EnvVar,
  HTTPGetAction,
  LifecycleHandler,
  NodeSelectorTerm,
  PodAffinityTerm,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ResourceRequirements,
  Toleration,
  TopologySpreadConstraint,
  Volume,
} from '../generated/schemas.generated.js';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidIP,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from '../names.js';
import { cachedTryParseQuantity, compareQuantities, formatQuantity, type Quantity } from '../quantity.js';
import { VOLUME_SOURCES } from '../volume-sources.js';
import {
  type ErrorList,
  enumValue,
  invalidEach,
  labelSelectorErrors,
  nonNegative,
  portNumOrName,
} from './helpers.js';
import { labelKeyProblems, validateAnnotations, validateLabels } from './meta.js';
import { memoizeValid } from './valid-memo.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
export const URI_SCHEMES = ['HTTP', 'HTTPS'] as const;
export const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
export const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] as const;
export const NODE_SELECTOR_OPERATORS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] as const;

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

// Container, volume, port and env var names repeat across Pods: remember the valid ones.
const dns1123LabelProblems = memoizeValid(isDNS1123Label);
const portNameProblems = memoizeValid(isValidPortName);
const envVarNameProblems = memoizeValid(isEnvVarName);
const MAX_UINT32 = 4294967295;
const MAX_INT32 = 2147483647;
export const WHEN_UNSATISFIABLE = ['DoNotSchedule', 'ScheduleAnyway'] as const;

/** `ValidatePodTemplateSpec`: template labels and annotations, then the pod spec. */
export function validatePodTemplateSpec(
  template: PodTemplateSpec | undefined,
  path: string,
  extraVolumes: readonly string[] = [],
): ErrorList {
  const errs: ErrorList = [];
  if (!template) {
    errs.push(fieldErrors.required(path));
    return errs;
  }
  validateLabels(errs, template.metadata?.labels, `${path}.metadata.labels`);
  validateAnnotations(errs, template.metadata?.annotations, `${path}.metadata.annotations`);
  if (!template.spec) errs.push(fieldErrors.required(`${path}.spec`));
  else errs.push(...validatePodSpec(template.spec, `${path}.spec`, extraVolumes));
  return errs;
}

/**
 * `ValidatePodSpec`. `extraVolumes` are volumes the controller adds (a StatefulSet's claim
 * templates), which volume mounts may name.
 */
export function validatePodSpec(
  spec: PodSpec,
  path: string,
  extraVolumes: readonly string[] = [],
): ErrorList {
  const errs: ErrorList = [];
  const volumeNames = validateVolumes(errs, spec.volumes, `${path}.volumes`);
  for (const name of extraVolumes) volumeNames.add(name);
  const containerNames = new Set<string>();
  validateContainers(errs, spec.containers, `${path}.containers`, containerNames, volumeNames, true);
  validateContainers(errs, spec.initContainers, `${path}.initContainers`, containerNames, volumeNames, false);
  enumValue(errs, spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES);
  enumValue(errs, spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES);
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig)
    errs.push(fieldErrors.required(`${path}.dnsConfig`, 'must provide `dnsConfig` when `dnsPolicy` is None'));
  validateLabels(errs, spec.nodeSelector, `${path}.nodeSelector`);
  if (spec.serviceAccountName)
    invalidEach(
      errs,
      `${path}.serviceAccountName`,
      spec.serviceAccountName,
      nameIsDNSSubdomain(spec.serviceAccountName, false),
    );
  if (spec.nodeName) invalidEach(errs, `${path}.nodeName`, spec.nodeName, isDNS1123Subdomain(spec.nodeName));
  if (spec.hostname) invalidEach(errs, `${path}.hostname`, spec.hostname, isDNS1123Label(spec.hostname));
  if (spec.subdomain) invalidEach(errs, `${path}.subdomain`, spec.subdomain, isDNS1123Label(spec.subdomain));
  if (spec.priorityClassName)
    invalidEach(
      errs,
      `${path}.priorityClassName`,
      spec.priorityClassName,
      isDNS1123Subdomain(spec.priorityClassName),
    );
  if (spec.activeDeadlineSeconds !== undefined) {
    const v = spec.activeDeadlineSeconds;
    if (v < 1 || v > MAX_UINT32)
      errs.push(fieldErrors.invalid(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, MAX_UINT32)));
  }
  nonNegative(errs, spec.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`);
  validateTolerations(errs, spec.tolerations, `${path}.tolerations`);
  validateAffinity(errs, spec.affinity, `${path}.affinity`);
  validateTopologySpreadConstraints(
    errs,
    spec.topologySpreadConstraints,
    `${path}.topologySpreadConstraints`,
  );
  const sc = spec.securityContext;
  if (sc) {
    for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
      const id = sc[key];
      if (id !== undefined && (id < 0 || id > MAX_INT32))
        errs.push(
          fieldErrors.invalid(`${path}.securityContext.${key}`, id, inclusiveRangeError(0, MAX_INT32)),
        );
    }
  }
  (spec.containers ?? []).forEach((c, i) => {
    const csc = c.securityContext;
    if (!csc) return;
    for (const key of ['runAsUser', 'runAsGroup'] as const) {
      const id = csc[key];
      if (id !== undefined && (id < 0 || id > MAX_INT32))
        errs.push(
          fieldErrors.invalid(
            `${path}.containers[${i}].securityContext.${key}`,
            id,
            inclusiveRangeError(0, MAX_INT32),
          ),
        );
    }
  });
  if (spec.hostNetwork) {
    for (const [key, list] of [
      ['containers', spec.containers],
      ['initContainers', spec.initContainers],
    ] as const) {
      (list ?? []).forEach((c, i) => {
        (c.ports ?? []).forEach((p, j) => {
          if (p.hostPort !== undefined && p.hostPort !== 0 && p.hostPort !== p.containerPort)
            errs.push(
              fieldErrors.invalid(
                `${path}.${key}[${i}].ports[${j}].hostPort`,
                p.hostPort,
                'must match `containerPort` when `hostNetwork` is true',
              ),
            );
        });
      });
    }
  }
  return errs;
}

function validateVolumes(errs: ErrorList, volumes: Volume[] | undefined, path: string): Set<string> {
  const names = new Set<string>();
  (volumes ?? []).forEach((vol, i) => {
    const p = `${path}[${i}]`;
    if (!vol.name) errs.push(fieldErrors.required(`${p}.name`));
    else {
      invalidEach(errs, `${p}.name`, vol.name, dns1123LabelProblems(vol.name));
      if (names.has(vol.name)) errs.push(fieldErrors.duplicate(`${p}.name`, vol.name));
      names.add(vol.name);
    }
    const record = vol as unknown as Record<string, unknown>;
    const sources = VOLUME_SOURCES.filter((s) => record[s] !== undefined && record[s] !== null);
    // A volume without a source is defaulted to emptyDir; more than one source is an error.
    if (sources.length > 1)
      errs.push(fieldErrors.forbidden(`${p}.${sources[1]}`, 'may not specify more than 1 volume type'));
    for (const key of ['configMap', 'secret'] as const) {
      const mode = vol[key]?.defaultMode;
      if (mode !== undefined && (mode < 0 || mode > 0o777))
        errs.push(
          fieldErrors.invalid(
            `${p}.${key}.defaultMode`,
            mode,
            'must be a number between 0 and 0777 (octal), both inclusive',
          ),
        );
    }
    if (vol.persistentVolumeClaim && !vol.persistentVolumeClaim.claimName)
      errs.push(fieldErrors.required(`${p}.persistentVolumeClaim.claimName`));
    if (vol.hostPath && !vol.hostPath.path) errs.push(fieldErrors.required(`${p}.hostPath.path`));
    if (vol.emptyDir?.sizeLimit !== undefined)
      validateQuantity(errs, vol.emptyDir.sizeLimit, `${p}.emptyDir.sizeLimit`);
  });
  return names;
}

function validateContainers(
  errs: ErrorList,
  containers: Container[] | undefined,
  path: string,
  allNames: Set<string>,
  volumes: Set<string>,
  regular: boolean,
): void {
  if (regular && (!containers || containers.length === 0)) {
    errs.push(fieldErrors.required(path));
    return;
  }
  (containers ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(fieldErrors.required(`${p}.name`));
    else {
      invalidEach(errs, `${p}.name`, c.name, dns1123LabelProblems(c.name));
      if (allNames.has(c.name)) errs.push(fieldErrors.duplicate(`${p}.name`, c.name));
      allNames.add(c.name);
    }
    if (!c.image) errs.push(fieldErrors.required(`${p}.image`));
    else if (c.image.trim() !== c.image)
      errs.push(fieldErrors.invalid(`${p}.image`, c.image, 'must not have leading or trailing whitespace'));
    enumValue(errs, c.imagePullPolicy, `${p}.imagePullPolicy`, PULL_POLICIES);
    enumValue(
      errs,
      c.terminationMessagePolicy,
      `${p}.terminationMessagePolicy`,
      TERMINATION_MESSAGE_POLICIES,
    );
    if (regular) {
      if (c.restartPolicy !== undefined)
        errs.push(fieldErrors.forbidden(`${p}.restartPolicy`, 'may not be set for non-init containers'));
    } else if (c.restartPolicy !== undefined) {
      enumValue(errs, c.restartPolicy, `${p}.restartPolicy`, ['Always']);
    }
    validatePorts(errs, c, `${p}.ports`);
    validateEnv(errs, c.env, `${p}.env`);
    validateVolumeMounts(errs, c, volumes, `${p}.volumeMounts`);
    validateResources(errs, c.resources, `${p}.resources`);
    const sidecar = !regular && c.restartPolicy === 'Always';
    if (regular || sidecar) {
      validateProbe(errs, c.livenessProbe, `${p}.livenessProbe`, true);
      validateProbe(errs, c.readinessProbe, `${p}.readinessProbe`, false);
      validateProbe(errs, c.startupProbe, `${p}.startupProbe`, true);
    } else {
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[probe])
          errs.push(
            fieldErrors.forbidden(
              `${p}.${probe}`,
              'may not be set for init containers without restartPolicy=Always',
            ),
          );
      }
    }
    if (c.lifecycle) {
      if (c.lifecycle.postStart)
        validateHandler(errs, c.lifecycle.postStart, `${p}.lifecycle.postStart`, false);
      if (c.lifecycle.preStop) validateHandler(errs, c.lifecycle.preStop, `${p}.lifecycle.preStop`, false);
    }
  });
}

function validatePorts(errs: ErrorList, c: Container, path: string): void {
  const names = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      invalidEach(errs, `${p}.name`, port.name, portNameProblems(port.name));
      if (names.has(port.name)) errs.push(fieldErrors.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldErrors.required(`${p}.containerPort`));
    else invalidEach(errs, `${p}.containerPort`, port.containerPort, isValidPortNum(port.containerPort));
    if (port.hostPort) invalidEach(errs, `${p}.hostPort`, port.hostPort, isValidPortNum(port.hostPort));
    if (port.hostIP) invalidEach(errs, `${p}.hostIP`, port.hostIP, isValidIP(port.hostIP));
    enumValue(errs, port.protocol, `${p}.protocol`, PROTOCOLS);
  });
}

function validateEnv(errs: ErrorList, env: EnvVar[] | undefined, path: string): void {
  (env ?? []).forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(fieldErrors.required(`${p}.name`));
    else invalidEach(errs, `${p}.name`, e.name, envVarNameProblems(e.name));
    const from = e.valueFrom;
    if (!from) return;
    const set = (
      ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'] as const
    ).filter((k) => (from as Record<string, unknown>)[k] !== undefined);
    if (e.value)
      errs.push(fieldErrors.invalid(`${p}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    if (set.length === 0)
      errs.push(
        fieldErrors.invalid(
          `${p}.valueFrom`,
          '',
          'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
        ),
      );
    else if (set.length > 1)
      errs.push(
        fieldErrors.invalid(`${p}.valueFrom`, '', 'may not have more than one field specified at a time'),
      );
    if (from.fieldRef && !from.fieldRef.fieldPath)
      errs.push(fieldErrors.required(`${p}.valueFrom.fieldRef.fieldPath`));
    if (from.configMapKeyRef && !from.configMapKeyRef.key)
      errs.push(fieldErrors.required(`${p}.valueFrom.configMapKeyRef.key`));
    if (from.secretKeyRef && !from.secretKeyRef.key)
      errs.push(fieldErrors.required(`${p}.valueFrom.secretKeyRef.key`));
  });
}

function validateVolumeMounts(errs: ErrorList, c: Container, volumes: Set<string>, path: string): void {
  const paths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(fieldErrors.required(`${p}.name`));
    else if (!volumes.has(m.name)) errs.push(fieldErrors.notFound(`${p}.name`, m.name));
    if (!m.mountPath) errs.push(fieldErrors.required(`${p}.mountPath`));
    else {
      if (paths.has(m.mountPath))
        errs.push(fieldErrors.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
      paths.add(m.mountPath);
    }
  });
}

/** Parses a quantity field, pushing Kubernetes' message when it is not one. */
export function validateQuantity(
  errs: ErrorList,
  value: string | number,
  path: string,
): Quantity | undefined {
  const q = cachedTryParseQuantity(value);
  if (typeof q === 'string') {
    errs.push(fieldErrors.invalid(path, value, q));
    return undefined;
  }
  return q;
}

function validateResourceName(errs: ErrorList, name: string, path: string): void {
  // The common case (`cpu`, `memory`): standard names are qualified names, so nothing to report.
  if (STANDARD_CONTAINER_RESOURCES.has(name)) return;
  const msgs = isQualifiedName(name);
  if (msgs.length) {
    invalidEach(errs, path, name, msgs);
    return;
  }
  if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.has(name) && !name.startsWith('hugepages-'))
    errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for containers'));
}

/** `ValidateResourceRequirements`: names, non-negative quantities, requests ≤ limits. */
export function validateResources(
  errs: ErrorList,
  res: ResourceRequirements | undefined,
  path: string,
): void {
  if (!res) return;
  const limits = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(res.limits ?? {})) {
    const p = `${path}.limits[${name}]`;
    validateResourceName(errs, name, p);
    const q = validateQuantity(errs, value, p);
    if (!q) continue;
    if (q.nanos < 0n)
      errs.push(fieldErrors.invalid(p, formatQuantity(q), 'must be greater than or equal to 0'));
    limits.set(name, q);
  }
  for (const [name, value] of Object.entries(res.requests ?? {})) {
    const p = `${path}.requests[${name}]`;
    validateResourceName(errs, name, p);
    const q = validateQuantity(errs, value, p);
    if (!q) continue;
    if (q.nanos < 0n)
      errs.push(fieldErrors.invalid(p, formatQuantity(q), 'must be greater than or equal to 0'));
    const limit = limits.get(name);
    if (limit && compareQuantities(q, limit) > 0)
      errs.push(
        fieldErrors.invalid(
          p,
          formatQuantity(q),
          `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`,
        ),
      );
  }
}

function validateProbe(
  errs: ErrorList,
  probe: Probe | undefined,
  path: string,
  successMustBeOne: boolean,
): void {
  if (!probe) return;
  validateHandler(errs, probe, path, true);
  nonNegative(errs, probe.initialDelaySeconds, `${path}.initialDelaySeconds`);
  nonNegative(errs, probe.timeoutSeconds, `${path}.timeoutSeconds`);
  nonNegative(errs, probe.periodSeconds, `${path}.periodSeconds`);
  nonNegative(errs, probe.successThreshold, `${path}.successThreshold`);
  nonNegative(errs, probe.failureThreshold, `${path}.failureThreshold`);
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0)
    errs.push(
      fieldErrors.invalid(
        `${path}.terminationGracePeriodSeconds`,
        probe.terminationGracePeriodSeconds,
        'must be greater than 0',
      ),
    );
  if (
    successMustBeOne &&
    probe.successThreshold !== undefined &&
    probe.successThreshold !== 0 &&
    probe.successThreshold !== 1
  )
    errs.push(fieldErrors.invalid(`${path}.successThreshold`, probe.successThreshold, 'must be 1'));
}

type Handler = Probe | LifecycleHandler;

/** `validateHandler`: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(errs: ErrorList, handler: Handler, path: string, isProbe: boolean): void {
  const h = handler as Record<string, unknown>;
  const kinds = (
    isProbe ? ['exec', 'httpGet', 'tcpSocket', 'grpc'] : ['exec', 'httpGet', 'tcpSocket', 'sleep']
  ).filter((k) => h[k] !== undefined && h[k] !== null);
  if (kinds.length === 0) {
    errs.push(fieldErrors.required(path, 'must specify a handler type'));
    return;
  }
  if (kinds.length > 1)
    errs.push(fieldErrors.forbidden(`${path}.${kinds[1]}`, 'may not specify more than 1 handler type'));
  const exec = (handler as Probe).exec;
  if (exec && (!exec.command || exec.command.length === 0))
    errs.push(fieldErrors.required(`${path}.exec.command`));
  const httpGet = (handler as Probe).httpGet;
  if (httpGet) validateHTTPGet(errs, httpGet, `${path}.httpGet`);
  const tcp = (handler as Probe).tcpSocket;
  if (tcp) portNumOrName(errs, tcp.port, `${path}.tcpSocket.port`);
  const grpc = (handler as Probe).grpc;
  if (grpc) invalidEach(errs, `${path}.grpc.port`, grpc.port, isValidPortNum(grpc.port));
}

function validateHTTPGet(errs: ErrorList, http: HTTPGetAction, path: string): void {
  if (http.path === '') errs.push(fieldErrors.required(`${path}.path`));
  portNumOrName(errs, http.port, `${path}.port`);
  enumValue(errs, http.scheme, `${path}.scheme`, URI_SCHEMES);
  (http.httpHeaders ?? []).forEach((header, i) => {
    if (!/^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/.test(header.name))
      errs.push(
        fieldErrors.invalid(
          `${path}.httpHeaders[${i}].name`,
          header.name,
          "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
        ),
      );
  });
}

/** `ValidateTolerations`. */
export function validateTolerations(
  errs: ErrorList,
  tolerations: Toleration[] | undefined,
  path: string,
): void {
  (tolerations ?? []).forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) invalidEach(errs, `${p}.key`, t.key, labelKeyProblems(t.key));
    if (!t.key && t.operator !== 'Exists')
      errs.push(
        fieldErrors.invalid(
          `${p}.operator`,
          t.operator ?? '',
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute')
      errs.push(
        fieldErrors.invalid(
          `${p}.effect`,
          t.effect ?? '',
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    switch (t.operator) {
      case undefined:
      case '':
      case 'Equal': {
        const msgs = validateLabelValue(t.value ?? '');
        if (msgs.length) errs.push(fieldErrors.invalid(`${p}.operator`, t.value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (t.value)
          errs.push(
            fieldErrors.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"),
          );
        break;
      default:
        errs.push(fieldErrors.notSupported(`${p}.operator`, t.operator, TOLERATION_OPERATORS));
    }
    if (t.effect) enumValue(errs, t.effect, `${p}.effect`, TAINT_EFFECTS);
  });
}

function validateNodeSelectorTerm(errs: ErrorList, term: NodeSelectorTerm, path: string): void {
  (term.matchExpressions ?? []).forEach((req, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(
            fieldErrors.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"),
          );
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(
            fieldErrors.forbidden(
              `${p}.values`,
              "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ),
          );
        break;
      case 'Gt':
      case 'Lt':
        if (values.length !== 1)
          errs.push(
            fieldErrors.required(
              `${p}.values`,
              "must be specified single value when `operator` is 'Lt' or 'Gt'",
            ),
          );
        else if (!/^[+-]?\d+$/.test(values[0] as string))
          errs.push(fieldErrors.invalid(`${p}.values[0]`, values[0], 'must be an integer'));
        break;
      default:
        errs.push(fieldErrors.notSupported(`${p}.operator`, req.operator, NODE_SELECTOR_OPERATORS));
    }
    invalidEach(errs, `${p}.key`, req.key, validateLabelKey(req.key));
  });
  (term.matchFields ?? []).forEach((req, i) => {
    const p = `${path}.matchFields[${i}]`;
    if (req.key !== 'metadata.name')
      errs.push(fieldErrors.notSupported(`${p}.key`, req.key, ['metadata.name']));
    if (req.operator !== 'In' && req.operator !== 'NotIn')
      errs.push(fieldErrors.notSupported(`${p}.operator`, req.operator, ['In', 'NotIn']));
    else if ((req.values ?? []).length !== 1)
      errs.push(
        fieldErrors.required(
          `${p}.values`,
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
  });
}

function validatePodAffinityTerm(errs: ErrorList, term: PodAffinityTerm, path: string): void {
  errs.push(...labelSelectorErrors(term.labelSelector, `${path}.labelSelector`));
  errs.push(...labelSelectorErrors(term.namespaceSelector, `${path}.namespaceSelector`));
  for (const ns of term.namespaces ?? []) invalidEach(errs, `${path}.namespace`, ns, isDNS1123Label(ns));
  if (!term.topologyKey) errs.push(fieldErrors.required(`${path}.topologyKey`, 'can not be empty'));
  else invalidEach(errs, `${path}.topologyKey`, term.topologyKey, validateLabelKey(term.topologyKey));
}

function validateWeight(errs: ErrorList, weight: number, path: string): void {
  if (weight < 1 || weight > 100) errs.push(fieldErrors.invalid(path, weight, 'must be in the range 1-100'));
}

/** `validateAffinity`: node affinity terms and (anti-)affinity terms. */
export function validateAffinity(errs: ErrorList, affinity: Affinity | undefined, path: string): void {
  if (!affinity) return;
  const node = affinity.nodeAffinity;
  if (node) {
    const required = node.requiredDuringSchedulingIgnoredDuringExecution;
    const rp = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (required) {
      if (required.nodeSelectorTerms.length === 0)
        errs.push(
          fieldErrors.required(`${rp}.nodeSelectorTerms`, 'must have at least one node selector term'),
        );
      required.nodeSelectorTerms.forEach((t, i) => {
        validateNodeSelectorTerm(errs, t, `${rp}.nodeSelectorTerms[${i}]`);
      });
    }
    (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((pref, i) => {
      const p = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      validateWeight(errs, pref.weight, `${p}.weight`);
      validateNodeSelectorTerm(errs, pref.preference, `${p}.preference`);
    });
  }
  for (const key of ['podAffinity', 'podAntiAffinity'] as const) {
    const a = affinity[key];
    if (!a) continue;
    (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
      validatePodAffinityTerm(errs, t, `${path}.${key}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`);
    });
    (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const p = `${path}.${key}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
      validateWeight(errs, w.weight, `${p}.weight`);
      validatePodAffinityTerm(errs, w.podAffinityTerm, `${p}.podAffinityTerm`);
    });
  }
}

/** `validateTopologySpreadConstraints`. */
export function validateTopologySpreadConstraints(
  errs: ErrorList,
  constraints: TopologySpreadConstraint[] | undefined,
  path: string,
): void {
  const seen = new Set<string>();
  (constraints ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (c.maxSkew <= 0)
      errs.push(fieldErrors.invalid(`${p}.maxSkew`, c.maxSkew, 'must be greater than zero'));
    if (!c.topologyKey) errs.push(fieldErrors.required(`${p}.topologyKey`, 'can not be empty'));
    else invalidEach(errs, `${p}.topologyKey`, c.topologyKey, validateLabelKey(c.topologyKey));
    enumValue(errs, c.whenUnsatisfiable, `${p}.whenUnsatisfiable`, WHEN_UNSATISFIABLE, true);
    if (c.minDomains !== undefined) {
      if (c.minDomains <= 0)
        errs.push(fieldErrors.invalid(`${p}.minDomains`, c.minDomains, 'must be greater than zero'));
      else if (c.whenUnsatisfiable !== 'DoNotSchedule')
        errs.push(
          fieldErrors.invalid(
            `${p}.minDomains`,
            c.minDomains,
            `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${c.whenUnsatisfiable}`,
          ),
        );
    }
    enumValue(errs, c.nodeAffinityPolicy, `${p}.nodeAffinityPolicy`, ['Honor', 'Ignore']);
    enumValue(errs, c.nodeTaintsPolicy, `${p}.nodeTaintsPolicy`, ['Honor', 'Ignore']);
    errs.push(...labelSelectorErrors(c.labelSelector, `${p}.labelSelector`));
    const key = `{${c.topologyKey}, ${c.whenUnsatisfiable}}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, key));
    seen.add(key);
  });
}
