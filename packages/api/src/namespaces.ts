/** Namespaces every Kubernetes cluster starts with (its API server creates them at start-up). */
export const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;
