// Mocha's spec output, closed by the line CI reads: "N passed, N failed" (", N skipped" when any).
const Mocha = require('mocha');
const { setTimeout } = require('node:timers');

const { EVENT_RUN_END } = Mocha.Runner.constants;

// Mocha runs without --exit, so a test that leaves a client or server open keeps the process alive after
// the summary, and CI would hang until its timeout. After the global teardown has had ample time, a run
// that is still alive names what holds it and ends as failed: the leak is reported, not hidden.
const LEAK_GRACE_MS = Number(process.env.MOCHA_LEAK_GRACE_MS ?? 60_000);

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      const skipped = pending > 0 ? `, ${pending} skipped` : '';
      process.stdout.write(`\n${passes} passed, ${failures} failed${skipped}\n`);
      setTimeout(() => {
        const holding = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
        process.stderr.write(`The test run ended ${LEAK_GRACE_MS / 1000} s ago but the process is still alive, held by: ${holding.join(', ') || 'timers'}. A test left a client, server or timer open.\n`);
        // Mocha's own exit listener sets the exit code to the number of failures; this one runs after it.
        process.on('exit', () => { process.exitCode = 1; });
        process.exit(1);
      }, LEAK_GRACE_MS).unref();
    });
  }
}

module.exports = SummaryReporter;
