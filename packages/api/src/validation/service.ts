/**
 * Service validation, as kubernetes' `ValidateService`: ports (required unless headless or
 * ExternalName, named when several, unique, valid target ports), type-specific rules (nodePort only
 * for NodePort/LoadBalancer, externalName for ExternalName), session affinity, traffic policies and
 * cluster IPs; on update, the cluster IP is immutable.
 */
import { fieldErrors } from '../field-errors.js';
import type { Service } from '../generated/schemas.generated.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum } from '../names.js';
import { type ErrorList, enumValue, FIELD_IMMUTABLE, invalidEach, portNumOrName } from './helpers.js';
import { validateLabels } from './meta.js';
import { PROTOCOLS } from './pod.js';

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
export const SESSION_AFFINITIES = ['ClientIP', 'None'] as const;
export const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
export const IP_FAMILY_POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'] as const;
export const IP_FAMILIES = ['IPv4', 'IPv6'] as const;
/** The default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;
const KUBELET_PORT = 10250;

/** True for `clusterIP: None` (the Service has no virtual IP; DNS returns the pod IPs). */
export function isHeadlessService(svc: Service): boolean {
  const ips = svc.spec?.clusterIPs;
  return svc.spec?.clusterIP === 'None' || (ips?.length === 1 && ips[0] === 'None');
}

export function validateService(svc: Service): ErrorList {
  const errs: ErrorList = [];
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const headless = isHeadlessService(svc);
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !headless && type !== 'ExternalName')
    errs.push(fieldErrors.required('spec.ports'));
  switch (type) {
    case 'LoadBalancer':
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT)
          errs.push(
            fieldErrors.invalid(
              `spec.ports[${i}]`,
              p.port,
              `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`,
            ),
          );
      });
      if (headless)
        errs.push(
          fieldErrors.invalid(
            'spec.clusterIPs[0]',
            'None',
            "may not be set to 'None' for LoadBalancer services",
          ),
        );
      break;
    case 'NodePort':
      if (headless)
        errs.push(
          fieldErrors.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"),
        );
      break;
    case 'ExternalName': {
      if (spec.clusterIP)
        errs.push(fieldErrors.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
      if (spec.clusterIPs?.length)
        errs.push(fieldErrors.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if (spec.ipFamilies?.length)
        errs.push(fieldErrors.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy)
        errs.push(fieldErrors.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) invalidEach(errs, 'spec.externalName', cname, isDNS1123Subdomain(cname));
      else errs.push(fieldErrors.required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `spec.ports[${i}]`;
    if (ports.length > 1 && !port.name) errs.push(fieldErrors.required(`${p}.name`));
    else if (port.name) {
      invalidEach(errs, `${p}.name`, port.name, isDNS1123Label(port.name));
      if (names.has(port.name)) errs.push(fieldErrors.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    invalidEach(errs, `${p}.port`, port.port, isValidPortNum(port.port));
    enumValue(errs, port.protocol, `${p}.protocol`, PROTOCOLS);
    // An absent target port is defaulted to `port`.
    if (port.targetPort !== undefined && port.targetPort !== 0 && port.targetPort !== '')
      portNumOrName(errs, port.targetPort, `${p}.targetPort`);
    if (port.nodePort) {
      if (type === 'ClusterIP')
        errs.push(fieldErrors.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (type === 'ExternalName')
        errs.push(fieldErrors.forbidden(`${p}.nodePort`, "may not be used when `type` is 'ExternalName'"));
      else if (port.nodePort < NODE_PORT_RANGE.min || port.nodePort > NODE_PORT_RANGE.max)
        errs.push(
          fieldErrors.invalid(
            `${p}.nodePort`,
            port.nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
    }
  });
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((port, i) => {
    const protocol = port.protocol ?? 'TCP';
    if (port.nodePort) {
      const key = `${protocol}/${port.nodePort}`;
      if (seenNodePorts.has(key))
        errs.push(fieldErrors.duplicate(`spec.ports[${i}].nodePort`, port.nodePort));
      seenNodePorts.add(key);
    }
    const key = `${protocol}/${port.port}`;
    if (seenPorts.has(key))
      errs.push(fieldErrors.duplicate(`spec.ports[${i}]`, { port: port.port, protocol }));
    seenPorts.add(key);
  });
  validateLabels(errs, spec.selector, 'spec.selector');
  enumValue(errs, spec.sessionAffinity, 'spec.sessionAffinity', SESSION_AFFINITIES);
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (timeout !== undefined && (timeout <= 0 || timeout > 86400))
      errs.push(
        fieldErrors.invalid(
          'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
          timeout,
          'must be greater than 0 and less than 86400',
        ),
      );
  } else if ((spec.sessionAffinity ?? 'None') === 'None' && spec.sessionAffinityConfig) {
    errs.push(
      fieldErrors.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'),
    );
  }
  if (spec.type !== undefined) enumValue(errs, spec.type, 'spec.type', SERVICE_TYPES, true);
  if (spec.clusterIP && spec.clusterIP !== 'None')
    invalidEach(errs, 'spec.clusterIP', spec.clusterIP, isValidIP(spec.clusterIP));
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (i === 0 && spec.clusterIP && ip !== spec.clusterIP)
      errs.push(
        fieldErrors.invalid('spec.clusterIPs', spec.clusterIPs, 'first value must match `clusterIP`'),
      );
    else if (ip !== 'None') invalidEach(errs, `spec.clusterIPs[${i}]`, ip, isValidIP(ip));
  });
  enumValue(errs, spec.ipFamilyPolicy, 'spec.ipFamilyPolicy', IP_FAMILY_POLICIES);
  (spec.ipFamilies ?? []).forEach((f, i) => {
    enumValue(errs, f, `spec.ipFamilies[${i}]`, IP_FAMILIES);
  });
  const external =
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
  if (spec.externalTrafficPolicy !== undefined) {
    if (!external)
      errs.push(
        fieldErrors.invalid(
          'spec.externalTrafficPolicy',
          spec.externalTrafficPolicy,
          'may only be set for externally-accessible services',
        ),
      );
    else enumValue(errs, spec.externalTrafficPolicy, 'spec.externalTrafficPolicy', TRAFFIC_POLICIES);
  }
  if (spec.healthCheckNodePort && !(type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local'))
    errs.push(
      fieldErrors.invalid(
        'spec.healthCheckNodePort',
        spec.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  enumValue(errs, spec.internalTrafficPolicy, 'spec.internalTrafficPolicy', TRAFFIC_POLICIES);
  (spec.externalIPs ?? []).forEach((ip, i) => {
    invalidEach(errs, `spec.externalIPs[${i}]`, ip, isValidIP(ip));
  });
  return errs;
}

/** `ValidateServiceUpdate`: a Service's cluster IP never changes (except to or from ExternalName). */
export function validateServiceUpdate(next: Service, prev: Service): ErrorList {
  const errs: ErrorList = [];
  const oldIP = prev.spec?.clusterIP;
  const newIP = next.spec?.clusterIP;
  const typeChange = next.spec?.type === 'ExternalName' || prev.spec?.type === 'ExternalName';
  if (!typeChange && oldIP && newIP !== undefined && newIP !== '' && newIP !== oldIP)
    errs.push(fieldErrors.invalid('spec.clusterIP', newIP, FIELD_IMMUTABLE));
  return errs;
}
