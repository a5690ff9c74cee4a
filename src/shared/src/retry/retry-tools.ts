/** What a retry loop needs from the world, so a test can run it without waiting or chance. */
export interface RetryTools {
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const realRetryTools: RetryTools = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};
