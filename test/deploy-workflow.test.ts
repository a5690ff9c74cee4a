import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryRoot } from './repository-root';

interface Step { readonly uses?: string; readonly run?: string; readonly with?: Record<string, unknown>; readonly env?: Record<string, string> }
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly 'runs-on'?: string | string[];
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow { readonly on: Record<string, unknown>; readonly permissions?: unknown; readonly env?: Record<string, string>; readonly jobs: Record<string, Job> }

const read = (name: string) => readFileSync(join(repositoryRoot, '.github', 'workflows', name), 'utf8');

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

  for (const [name, job] of jobs.filter(([, candidate]) => (candidate.if ?? '').includes("'pull_request'"))) {
    if (!clientOf(job).includes('AZURE_PR_PLAN_CLIENT_ID')) found.push(`${name}: a pull request must plan with the pull-request plan identity (no secrets, no writes)`);
    if (environmentOf(job) !== undefined) found.push(`${name}: a pull request job must not enter a deployment environment`);
    if (!(job.if ?? '').includes('head.repo.full_name == github.repository')) found.push(`${name}: pull requests from forks would get a token`);
    if (JSON.stringify(job['runs-on'] ?? '').includes('DEPLOY_RUNNER')) found.push(`${name}: a pull request chooses what runs on the deploy runner`);
    if (!/terraform plan[^\n]*-refresh=false/.test(commands(job))) found.push(`${name}: a refresh would read secrets the pull-request identity must not read`);
    if (!/terraform plan[^\n]*-lock=false/.test(commands(job))) found.push(`${name}: a read-only identity cannot take the state lock`);
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
    if (!(planner.if ?? '').includes("conclusion == 'success'") || !(planner.if ?? '').includes("workflow_run.event == 'push'")) {
      found.push(`the plan ${name} applies is made without CI having passed on a push to main`);
    }
    if (checkoutRef(planner) !== '${{ github.event.workflow_run.head_sha }}' || checkoutRef(job) !== checkoutRef(planner)) {
      found.push(`${name} and its plan do not both check out the commit CI tested`);
    }
    if (!/\.terraform\.lock\.hcl/.test(commands(planner))) found.push(`the plan ${name} applies travels without its provider lock file`);
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

describe('deployment workflow: separate trust for plan, approval and apply', () => {
  const workflow = parse(read('deploy.yml')) as Workflow;

  it('plans read-only, applies only the reviewed plan in the production environment, after CI, with what CI built', () => {
    assert.deepEqual(trustViolations(workflow), []);
  });

  it('catches what the earlier workflow did: workflow-wide tokens, the production identity in a pull request, an apply that plans again', () => {
    const loose = parse(read('deploy.yml')) as Workflow;
    const { plan, apply } = loose.jobs;
    assert.ok(plan && apply, 'the workflow has a plan and an apply job');
    const broken: Workflow = {
      ...loose,
      permissions: { contents: 'read', 'id-token': 'write' },
      jobs: {
        ...loose.jobs,
        plan: { ...plan, if: "github.event_name == 'pull_request'", 'runs-on': '${{ vars.DEPLOY_RUNNER }}', env: { ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}' } },
        apply: { ...apply, needs: [], steps: [...apply.steps.filter((step) => !(step.run ?? '').includes('verify-access')), { run: 'terraform plan -out=tfplan && terraform apply tfplan' }] },
      },
    };
    const found = trustViolations(broken);
    for (const expected of ['grants permissions to every job', 'pull-request plan identity', 'deploying identity outside', 'from forks', 'deploy runner', 'plans again after the approval', 'does not need a job that saved the plan', 'without checking afterwards who may call what']) {
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
});
