import type { ChildProcess } from 'node:child_process';
import { RestartPolicy, type RestartPolicySettings } from './restart-policy';

/** Something the stack runs: its child process, and how to stop it. */
export interface Started {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface SupervisionOptions<T extends Started> {
  /** Shown in log lines, e.g. "Audit API". */
  readonly name: string;
  /** Starts the process and resolves once it serves; rejects when it cannot start. */
  readonly start: () => Promise<T>;
  readonly policy: RestartPolicySettings;
  readonly log: (line: string) => void;
  /** Called once when the process keeps failing and the supervisor stops trying. */
  readonly onGiveUp: (reason: string) => void;
}

export type SupervisionState = 'running' | 'restarting' | 'stopped' | 'gave-up';

/**
 * Keeps one process running: when it exits without being asked to, it is started again after the
 * policy's backoff, and each restart is logged with its reason. The first start is not supervised: a
 * stack that cannot start at all fails at once.
 */
export class SupervisedProcess<T extends Started> {
  private current: T;
  private stateValue: SupervisionState = 'running';
  private readonly policy: RestartPolicy;
  private retryTimer: NodeJS.Timeout | undefined;
  private restarted = 0;
  private readonly listeners: ((state: SupervisionState) => void)[] = [];

  private constructor(private readonly options: SupervisionOptions<T>, first: T) {
    this.policy = new RestartPolicy(options.policy);
    this.current = first;
    this.watch(first);
  }

  static async start<T extends Started>(options: SupervisionOptions<T>): Promise<SupervisedProcess<T>> {
    return new SupervisedProcess(options, await options.start());
  }

  /** The process now serving (a new one after each restart). */
  get running(): T {
    return this.current;
  }

  get process(): ChildProcess {
    return this.current.process;
  }

  get state(): SupervisionState {
    return this.stateValue;
  }

  /** How many times it was restarted. */
  get restarts(): number {
    return this.restarted;
  }

  onStateChange(listener: (state: SupervisionState) => void): void {
    this.listeners.push(listener);
  }

  /** Ends supervision and stops the process. */
  async stop(): Promise<void> {
    const wasRunning = this.stateValue === 'running';
    this.setState('stopped');
    clearTimeout(this.retryTimer);
    if (wasRunning) await this.current.stop();
  }

  private watch(started: T): void {
    started.process.once('exit', (code, signal) => {
      if (this.stateValue !== 'running' || started !== this.current) return;
      this.failed(`exited unexpectedly (${signal === null ? `code ${code ?? 'unknown'}` : `signal ${signal}`})`);
    });
  }

  private failed(reason: string): void {
    const decision = this.policy.failed();
    if (!decision.restart) {
      const message = `${this.options.name} ${reason}; it failed ${decision.failures} times within ${this.options.policy.windowMs / 1000} s, so it is not restarted again`;
      this.options.log(message);
      this.setState('gave-up');
      this.options.onGiveUp(message);
      return;
    }
    this.options.log(`${this.options.name} ${reason}; restarting in ${decision.delayMs} ms (restart ${decision.attempt} of at most ${this.options.policy.maxRestarts} within ${this.options.policy.windowMs / 1000} s)`);
    this.setState('restarting');
    this.retryTimer = setTimeout(() => { void this.restart(); }, decision.delayMs);
  }

  private async restart(): Promise<void> {
    let started: T;
    try {
      started = await this.options.start();
    } catch (error: unknown) {
      if (this.stateValue !== 'restarting') return;
      this.failed(`could not be restarted (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    if (this.stateValue !== 'restarting') {
      // The stack was stopped while this process was starting.
      await started.stop();
      return;
    }
    this.current = started;
    this.restarted += 1;
    this.watch(started);
    this.setState('running');
    this.options.log(`${this.options.name} is running again (pid ${started.process.pid ?? 'unknown'})`);
  }

  private setState(state: SupervisionState): void {
    this.stateValue = state;
    for (const listener of this.listeners) listener(state);
  }
}
