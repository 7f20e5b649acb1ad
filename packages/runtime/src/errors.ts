/**
 * Why a runtime call failed. The container-facing reasons are the waiting reasons the kubelet puts
 * into a Pod's status (`ErrImagePull`, `CreateContainerConfigError`, `CreateContainerError`,
 * `RunContainerError`); the others mirror CRI's gRPC codes (NotFound, AlreadyExists,
 * FailedPrecondition → `InvalidState`, DeadlineExceeded → `Timeout`).
 */
export type RuntimeErrorReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidState'
  | 'InvalidConfig'
  | 'ErrImagePull'
  | 'CreateContainerConfigError'
  | 'CreateContainerError'
  | 'RunContainerError'
  | 'Timeout'
  | 'Closed';

/** The one error type a `ContainerRuntime` throws; check it with `isRuntimeError(e, reason?)`. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';

  constructor(
    readonly reason: RuntimeErrorReason,
    message: string,
  ) {
    super(message);
  }

  static sandboxNotFound(id: string): RuntimeError {
    return new RuntimeError('NotFound', `pod sandbox "${id}" not found`);
  }

  static containerNotFound(id: string): RuntimeError {
    return new RuntimeError('NotFound', `container "${id}" not found`);
  }

  static closed(): RuntimeError {
    return new RuntimeError('Closed', 'the container runtime is closed');
  }
}

/** True for a `RuntimeError` (or a structured clone of one) with the given reason, if one is given. */
export function isRuntimeError(error: unknown, reason?: RuntimeErrorReason): error is RuntimeError {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; reason?: unknown };
  return (
    e.name === 'RuntimeError' && typeof e.reason === 'string' && (reason === undefined || e.reason === reason)
  );
}
