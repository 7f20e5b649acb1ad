import { Controller, type ControllerOptions } from './controller.js';

/**
 * Runs a set of controllers together: `start()` starts each, `stop()` stops them all and waits for
 * every reconcile in flight. `idle` tells a simulation when no controller has work queued or running.
 */
export class ControllerManager {
  private readonly controllers = new Map<string, Controller>();
  private running = false;

  /** Adds a controller (or builds one from options); names must be unique. */
  add(controller: Controller | ControllerOptions): Controller {
    const c = controller instanceof Controller ? controller : new Controller(controller);
    if (this.controllers.has(c.name)) throw new Error(`a controller named ${c.name} is already registered`);
    this.controllers.set(c.name, c);
    if (this.running) c.start();
    return c;
  }

  get(name: string): Controller | undefined {
    return this.controllers.get(name);
  }

  get names(): string[] {
    return [...this.controllers.keys()];
  }

  /** True when no controller has a key queued or in flight (delayed requeues don't count). */
  get idle(): boolean {
    for (const c of this.controllers.values()) if (c.busy > 0) return false;
    return true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const c of this.controllers.values()) c.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await Promise.all([...this.controllers.values()].map((c) => c.stop()));
  }
}
