import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryRoot } from './repository-root';

interface Step { readonly uses?: string; readonly run?: string; readonly with?: Record<string, unknown>; readonly env?: Record<string, string>; readonly 'timeout-minutes'?: number }
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly 'runs-on'?: string | string[] | { group?: string; labels?: string | string[] };
  readonly 'timeout-minutes'?: number;
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow { readonly on: Record<string, unknown>; readonly permissions?: unknown; readonly env?: Record<string, string>; readonly jobs: Record<string, Job> }

const read = (name: string) => readFileSync(join(repositoryRoot, '.github', 'workflows', name), 'utf8');
const workflowNames = () => readdirSync(join(repositoryRoot, '.github', 'workflows')).filter((name) => /\.ya?ml$/.test(name));

const commands = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');
const clientOf = (job: Job) => job.env?.ARM_CLIENT_ID ?? '';
const environmentOf = (job: Job) => (typeof job.environment === 'object' ? job.environment.name : job.environment);
const checkoutRef = (job: Job) => job.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with?.ref;
const logsIn = (job: Job) => clientOf(job) !== '' || job.steps.some((step) => step.uses?.startsWith('azure/login'));

/** Who may deploy what: the properties a reviewer of the deployment workflow must be able to rely on. */
function trustViolations(workflow: Workflow): string[] {
  const found: string[] = [];
  const jobs = Object.entries(workflow.jobs);
  if (typeof workflow.permissions !== 'object' || workflow.permissions === null || Object.keys(workflow.permissions).length > 0) {
    found.push('the workflow grants permissions to every job: grant none at the top and each job its own');
  }
  if (workflow.env?.ARM_CLIENT_ID !== undefined) found.push('an identity is chosen for every job at the top');
  for (const [name, job] of jobs) {
    if (!job.permissions) found.push(`${name} has no permissions of its own`);
    if (job.permissions?.['id-token'] === 'write' && !logsIn(job)) found.push(`${name} may mint tokens it never uses`);
    if (job.steps.some((step) => step.env?.ARM_CLIENT_ID !== undefined)) found.push(`${name} changes its identity in a step`);
    const deploys = clientOf(job).includes('vars.AZURE_CLIENT_ID') || job.steps.some((step) => step.uses?.startsWith('azure/login') && String(step.with?.['client-id']).includes('vars.AZURE_CLIENT_ID'));
    if (deploys && environmentOf(job) !== 'production') found.push(`${name} uses the deploying identity outside the production environment`);
  }
  const runs = workflow.on.workflow_run as { workflows?: string[]; types?: string[]; branches?: string[] } | undefined;
  if (!runs?.workflows?.includes('ci') || !runs.branches?.includes('main')) found.push('deployment does not follow CI on main');

  // A pull request chooses the workflow its jobs run: nothing it can start may hold an identity that reads
  // production (the state holds the database passwords and the Cosmos DB account keys), the plan's passphrase
  // or a deploy runner. Deployment runs only after CI on main, from the workflow file on main.
  for (const trigger of Object.keys(workflow.on)) {
    if (trigger !== 'workflow_run') found.push(`deployment starts on ${trigger}: only CI having passed on main may start it`);
  }
  const secretsAt = (value: unknown) => /\bsecrets\./.test(JSON.stringify(value ?? ''));
  if (secretsAt(workflow.env)) found.push('a secret is handed to every job at the top');
  for (const [name, job] of jobs) {
    const environment = environmentOf(job);
    if (environment === undefined) found.push(`${name} runs outside a deployment environment (no branch rule, no environment-scoped identity or secret)`);
    if (secretsAt(job) && environment === undefined) found.push(`${name} reads a repository secret, which pull requests from this repository's branches receive too`);
    if (clientOf(job).includes('vars.AZURE_PLAN_CLIENT_ID') && environment !== 'plan') found.push(`${name} uses the plan identity outside the plan environment its credential names`);
    if (typeof job['timeout-minutes'] !== 'number' || job['timeout-minutes'] > 240) found.push(`${name} has no bound of its own (GitHub's default is 6 hours)`);
    // Within the job's bound, each long step has its own: a hung deployment must not eat the apply's time.
    for (const step of job.steps.filter((candidate) => /terraform apply|deploy-functions\.sh|verify-access\.sh/.test(candidate.run ?? ''))) {
      if (typeof step['timeout-minutes'] !== 'number') found.push(`${name}: the step running ${/terraform apply|deploy-functions\.sh|verify-access\.sh/.exec(step.run ?? '')?.[0] ?? ''} has no bound of its own`);
    }
  }
  const applying = jobs.filter(([, job]) => /terraform apply/.test(commands(job)));
  if (applying.length === 0) found.push('no job applies');
  for (const [name, job] of applying) {
    if (environmentOf(job) !== 'production') found.push(`${name} applies outside the production environment (no approval)`);
    if (/terraform plan/.test(commands(job))) found.push(`${name} plans again after the approval: reviewers approved another plan`);
    if (!/terraform apply[^\n]* tfplan\b/.test(commands(job))) found.push(`${name} does not apply the saved, reviewed plan`);
    if (!/terraform init[^\n]*-lockfile=readonly/.test(commands(job))) found.push(`${name} may pick other providers than the plan was made with`);
    if (/package-functions\.sh|npm (ci|install)/.test(commands(job))) found.push(`${name} builds the code instead of deploying what CI built and tested`);
    const planner = [job.needs ?? []].flat().map((need) => workflow.jobs[need]).find((candidate) => candidate && /terraform plan[^\n]*-out=tfplan/.test(commands(candidate)));
    if (!planner) {
      found.push(`${name} does not need a job that saved the plan before the approval`);
      continue;
    }
    if (!clientOf(planner).includes('AZURE_PLAN_CLIENT_ID')) found.push(`the plan ${name} applies is made with a writing identity`);
    if (environmentOf(planner) !== 'plan') found.push(`the plan ${name} applies is made outside the plan environment (its passphrase would be a repository secret)`);
    if (!(planner.if ?? '').includes("conclusion == 'success'") || !(planner.if ?? '').includes("workflow_run.event == 'push'")) {
      found.push(`the plan ${name} applies is made without CI having passed on a push to main`);
    }
    if (checkoutRef(planner) !== '${{ github.event.workflow_run.head_sha }}' || checkoutRef(job) !== checkoutRef(planner)) {
      found.push(`${name} and its plan do not both check out the commit CI tested`);
    }
    if (!/\.terraform\.lock\.hcl/.test(commands(planner))) found.push(`the plan ${name} applies travels without its provider lock file`);
    const uploads = planner.steps.filter((step) => step.uses?.startsWith('actions/upload-artifact'));
    if (uploads.length === 0 || uploads.some((step) => !String(step.with?.path).endsWith('.enc')) || !/openssl enc -aes-256/.test(commands(planner))) {
      found.push(`the plan ${name} applies is kept unencrypted: anyone who may read the repository may download an artifact`);
    }
  }

  // Only a deployment can show that the apps check tokens there: the release is not done before that check.
  for (const [name, job] of jobs.filter(([, candidate]) => /deploy-functions\.sh/.test(commands(candidate)))) {
    const steps = job.steps.map((step) => step.run ?? '');
    const deployed = steps.findIndex((run) => /deploy-functions\.sh/.test(run));
    const verified = steps.findIndex((run) => /verify-access\.sh/.test(run));
    if (verified < deployed) found.push(`${name} deploys the code without checking afterwards who may call what (scripts/verify-access.sh)`);
    const step = job.steps[verified];
    if (step && (JSON.stringify(step).includes('continue-on-error') || /\|\|\s*true/.test(step.run ?? ''))) found.push(`${name} lets the access check fail without failing the release`);
  }
  return found;
}

/**
 * Where jobs run: a job on a deploy runner has line of sight to Key Vault, the state and both apps' deployment
 * endpoints, and on a reused machine could leave something behind for the next job. So those runners are
 * ephemeral and sit in a runner group GitHub lets only deploy.yml on main use; here, no job of any other
 * workflow asks for a self-hosted runner, and deploy.yml's jobs ask for the group, never for a label a
 * runner outside it could carry.
 */
function runnerViolations(workflows: Record<string, Workflow>): string[] {
  const found: string[] = [];
  for (const [file, workflow] of Object.entries(workflows)) {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const runsOn = job['runs-on'];
      const text = JSON.stringify(runsOn ?? '');
      const selfHosted = /self-hosted|DEPLOY_RUNNER|group/.test(text) || (typeof runsOn === 'object' && !Array.isArray(runsOn));
      if (file !== 'deploy.yml') {
        if (selfHosted) found.push(`${file}: ${name} asks for a self-hosted runner; only deploy.yml on main may use the deploy runners`);
        continue;
      }
      const group = typeof runsOn === 'object' && !Array.isArray(runsOn) ? runsOn.group : undefined;
      if (group !== '${{ vars.DEPLOY_RUNNER_GROUP }}') found.push(`deploy.yml: ${name} does not run in the deploy runner group (a label can be carried by any runner)`);
      if (typeof runsOn === 'object' && !Array.isArray(runsOn) && runsOn.labels !== undefined) found.push(`deploy.yml: ${name} narrows the group by labels, which any runner may carry`);
    }
  }
  return found;
}

describe('deployment workflow: separate trust for plan, approval and apply', () => {
  const workflow = parse(read('deploy.yml')) as Workflow;

  it('plans read-only, applies only the reviewed plan in the production environment, after CI, with what CI built', () => {
    assert.deepEqual(trustViolations(workflow), []);
  });

  it('catches what the earlier workflow did: workflow-wide tokens, the production identity in a pull request, an apply that plans again', () => {
    const loose = parse(read('deploy.yml')) as Workflow;
    const { 'release-plan': plan, apply } = loose.jobs;
    assert.ok(plan && apply, 'the workflow has a release-plan and an apply job');
    const broken: Workflow = {
      ...loose,
      on: { ...loose.on, pull_request: { paths: ['env/**'] } },
      permissions: { contents: 'read', 'id-token': 'write' },
      jobs: {
        ...loose.jobs,
        'pr-plan': { ...plan, environment: undefined, if: "github.event_name == 'pull_request'", env: { ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}' } },
        apply: { ...apply, needs: [], steps: [...apply.steps.filter((step) => !(step.run ?? '').includes('verify-access')), { run: 'terraform plan -out=tfplan && terraform apply tfplan' }] },
      },
    };
    const found = trustViolations(broken);
    for (const expected of ['grants permissions to every job', 'starts on pull_request', 'deploying identity outside', 'pr-plan runs outside a deployment environment', 'pr-plan reads a repository secret', 'plans again after the approval', 'does not need a job that saved the plan', 'without checking afterwards who may call what']) {
      assert.ok(found.some((line) => line.includes(expected)), `not caught: ${expected}\n${found.join('\n')}`);
    }
  });

  it('keeps the plan, its identity and its passphrase in the plan environment, and the plan encrypted', () => {
    const loose = parse(read('deploy.yml')) as Workflow;
    const plan = loose.jobs['release-plan'];
    assert.ok(plan, 'the workflow has a release-plan job');
    const outside: Workflow = { ...loose, jobs: { ...loose.jobs, 'release-plan': { ...plan, environment: undefined } } };
    const found = trustViolations(outside);
    for (const expected of ['release-plan runs outside a deployment environment', 'release-plan reads a repository secret', 'plan identity outside the plan environment', 'made outside the plan environment']) {
      assert.ok(found.some((line) => line.includes(expected)), `not caught: ${expected}\n${found.join('\n')}`);
    }
    const clear: Workflow = {
      ...loose,
      jobs: { ...loose.jobs, 'release-plan': { ...plan, steps: plan.steps.filter((step) => !(step.run ?? '').includes('openssl')).map((step) => (step.uses?.startsWith('actions/upload-artifact') ? { ...step, with: { ...step.with, path: 'env/tfplan' } } : step)) } },
    };
    assert.ok(trustViolations(clear).some((line) => line.includes('kept unencrypted')));
    const everywhere: Workflow = { ...loose, env: { ...loose.env, TF_PLAN_PASSPHRASE: '${{ secrets.TF_PLAN_PASSPHRASE }}' } };
    assert.ok(trustViolations(everywhere).some((line) => line.includes('handed to every job at the top')));
  });

  it('bounds every job: a host that never turns healthy cannot hold a release for six hours', () => {
    const loose = parse(read('deploy.yml')) as Workflow;
    const { apply } = loose.jobs;
    assert.ok(apply);
    const { 'timeout-minutes': _bound, ...unbounded } = apply;
    assert.ok(trustViolations({ ...loose, jobs: { ...loose.jobs, apply: unbounded } }).some((line) => line.includes('apply has no bound of its own')));
    const unboundedDeploy = { ...apply, steps: apply.steps.map((step) => (/deploy-functions\.sh/.test(step.run ?? '') ? { ...step, 'timeout-minutes': undefined } : step)) };
    assert.ok(trustViolations({ ...loose, jobs: { ...loose.jobs, apply: unboundedDeploy } }).some((line) => line.includes('deploy-functions.sh has no bound of its own')));
    const script = readFileSync(join(repositoryRoot, 'scripts', 'deploy-functions.sh'), 'utf8');
    assert.match(script, /timeout "\$deploy_timeout" az functionapp deployment source config-zip/, 'each code deployment is bounded: the Azure CLI waits for a healthy host without counting its tries');
  });

  it('runs deployment jobs only on the deploy runner group, and no other workflow on a self-hosted runner', () => {
    const workflows = Object.fromEntries(workflowNames().map((name) => [name, parse(read(name)) as Workflow]));
    assert.deepEqual(runnerViolations(workflows), []);
    const ci = workflows['ci.yml'];
    const deploy = workflows['deploy.yml'];
    assert.ok(ci?.jobs.test && deploy?.jobs.apply);
    const broken = {
      'ci.yml': { ...ci, jobs: { ...ci.jobs, test: { ...ci.jobs.test, 'runs-on': ['self-hosted', '${{ vars.DEPLOY_RUNNER }}'] } } },
      'deploy.yml': { ...deploy, jobs: { ...deploy.jobs, apply: { ...deploy.jobs.apply, 'runs-on': ['self-hosted', 'deploy'] } } },
    };
    const found = runnerViolations(broken);
    for (const expected of ['ci.yml: test asks for a self-hosted runner', 'deploy.yml: apply does not run in the deploy runner group']) {
      assert.ok(found.some((line) => line.includes(expected)), `not caught: ${expected}\n${found.join('\n')}`);
    }
  });

  it('fails the release when the access check after the deploy fails, or is let fail', () => {
    const { apply } = workflow.jobs;
    assert.ok(apply, 'the workflow has an apply job');
    const lenient: Workflow = { ...workflow, jobs: { ...workflow.jobs, apply: { ...apply, steps: apply.steps.map((step) => ((step.run ?? '').includes('verify-access') ? { ...step, run: `${step.run ?? ''} || true` } : step)) } } };
    assert.ok(trustViolations(lenient).some((line) => line.includes('lets the access check fail')));
  });

  it('deploys the packages of the CI run it follows, with no build', () => {
    const apply = workflow.jobs.apply;
    const download = apply?.steps.find((step) => step.with?.name === 'function-packages');
    assert.equal(download?.with?.['run-id'], '${{ github.event.workflow_run.id }}');
    assert.ok(apply?.steps.some((step) => /deploy-functions\.sh packages$/m.test(step.run ?? '')));
    const ci = parse(read('ci.yml')) as Workflow;
    const upload = ci.jobs.package?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    assert.equal(upload?.with?.name, 'function-packages');
    assert.ok(ci.jobs.package?.steps.some((step) => (step.run ?? '').includes('package-functions.sh')));
  });

  it('plans every run from the environment file reviewed with the code', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const line of commands(job).split('\n').filter((candidate) => /terraform plan/.test(candidate))) {
        assert.match(line, /-var-file=environments\/prod\.tfvars/);
      }
    }
  });

  it('keeps the backend files the state is configured with out of git, as the script that writes them says', () => {
    const script = readFileSync(join(repositoryRoot, 'scripts', 'write-backend-config.sh'), 'utf8');
    const written = [...script.matchAll(/> "\$root\/(env\/[a-z.]+)"/g)].map((match) => match[1] ?? '');
    assert.deepEqual(written.sort(), ['env/backend.hcl', 'env/backend.tf']);
    for (const file of [...written, 'env/identity/backend.hcl', 'env/identity/backend.tf']) {
      // check-ignore exits 1 for a path git would track.
      execFileSync('git', ['check-ignore', '--quiet', '--no-index', file], { cwd: repositoryRoot });
    }
  });
});
