/**
 * The object shapes the planner reads and writes: `@flotilla/api`'s generated `apps/v1` types,
 * Kubernetes' JSON field for field, re-exported under one roof for the package's modules.
 */
export type {
  Deployment,
  DeploymentCondition,
  DeploymentSpec,
  DeploymentStatus,
  IntOrString,
  LabelSelector,
  ObjectMeta,
  OwnerReference,
  PodTemplateSpec,
  ReplicaSet,
  ReplicaSetSpec,
  ReplicaSetStatus,
} from '@flotilla/api';
