/**
 * The Kubernetes `v1` types and quantity helpers the scheduler reads, from `@flotilla/api`. Every file
 * of this package imports them from here, so the package has one seam to the object model.
 */
export type {
  Affinity,
  Container,
  ContainerPort,
  LabelSelector,
  LabelSelectorRequirement,
  Node,
  NodeAffinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodAffinity,
  PodAffinityTerm,
  PodAntiAffinity,
  PodSpec,
  PreferredSchedulingTerm,
  ResourceRequirements,
  Taint,
  Toleration,
  TopologySpreadConstraint,
  WeightedPodAffinityTerm,
} from '@flotilla/api';
export { quantityToMilli, quantityToNumber } from '@flotilla/api';
