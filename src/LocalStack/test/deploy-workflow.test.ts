import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repositoryRoot } from '../src/stack/repository-root';

interface Step { readonly uses?: string; readonly run?: string; readonly with?: Record<string, unknown>; readonly env?: Record<string, string> }
interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow { readonly on: Record<string, unknown>; readonly permissions?: unknown; readonly jobs: Record<string, Job> }

const source = readFileSync(join(repositoryRoot(), '.github', 'workflows', 'deploy.yml'), 'utf8');

/** Who may deploy what: the properties a reviewer of the deployment workflow must be able to rely on. */
function trustViolations(workflow: Workflow): string[] {
  const found: string[] = [];
  const jobs = Object.entries(workflow.jobs);
  const commands = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');
  const clientOf = (job: Job) => job.env?.ARM_CLIENT_ID ?? '';
  const environmentOf = (job: Job) => (typeof job.environment === 'object' ? job.environment.name : job.environment);
  if (workflow.permissions === undefined || (typeof workflow.permissions === 'object' && workflow.permissions !== null && Object.keys(workflow.permissions).length > 0)) {
    found.push('the workflow grants permissions to every job: grant none at the top and each job its own');
  }
  for (const [name, job] of jobs) {
    if (!job.permissions) found.push(`${name} has no permissions of its own`);
    const deploys = clientOf(job).includes('AZURE_CLIENT_ID') || job.steps.some((step) => step.uses?.startsWith('azure/login') && String(step.with?.['client-id']).includes('AZURE_CLIENT_ID'));
    if (deploys && environmentOf(job) !== 'production') found.push(`${name} uses the deploying identity outside the production environment`);
    if (/terraform (plan|apply)/.test(commands(job)) && !/AZURE_(PLAN_)?CLIENT_ID/.test(clientOf(job))) found.push(`${name} runs Terraform without saying which identity`);
  }
  const applying = jobs.filter(([, job]) => /terraform apply/.test(commands(job)));
  if (applying.length === 0) found.push('no job applies');
  for (const [name, job] of applying) {
    if (environmentOf(job) !== 'production') found.push(`${name} applies outside the production environment (no approval)`);
    if (/terraform plan/.test(commands(job))) found.push(`${name} plans again after the approval: reviewers approved another plan`);
    if (!/terraform apply[^\n]* tfplan\b/.test(commands(job))) found.push(`${name} does not apply the saved, reviewed plan`);
    const needs = [job.needs ?? []].flat();
    const planner = needs.map((need) => workflow.jobs[need]).find((candidate) => candidate && /terraform plan[^\n]*-out=tfplan/.test(commands(candidate)));
    if (!planner) found.push(`${name} does not need a job that saved the plan before the approval`);
    else if (!clientOf(planner).includes('AZURE_PLAN_CLIENT_ID')) found.push(`the plan ${name} applies is made with a writing identity`);
    if (/package-functions\.sh|npm (ci|install)/.test(commands(job))) found.push(`${name} builds the code instead of deploying what CI built and tested`);
  }
  const runs = workflow.on.workflow_run as { workflows?: string[]; types?: string[] } | undefined;
  if (!runs?.workflows?.includes('ci')) found.push('deployment does not wait for CI');
  for (const [name, job] of jobs.filter(([, candidate]) => (candidate.if ?? '').includes("'workflow_run'"))) {
    if (!(job.if ?? '').includes("conclusion == 'success'") && !(job.needs)) found.push(`${name} runs even when CI failed`);
  }
  for (const [name, job] of jobs.filter(([, candidate]) => (candidate.if ?? '').includes("'pull_request'"))) {
    if (clientOf(job).includes('AZURE_CLIENT_ID') && !clientOf(job).includes('PLAN')) found.push(`${name}: a pull request can use the deploying identity`);
    if (environmentOf(job) !== undefined) found.push(`${name}: a pull request job must not enter a deployment environment`);
    if (!(job.if ?? '').includes('head.repo.full_name == github.repository')) found.push(`${name}: pull requests from forks would run on the self-hosted runner`);
    if (/terraform plan/.test(commands(job)) && !/-lock=false/.test(commands(job))) found.push(`${name}: a read-only identity cannot take the state lock`);
  }
  return found;
}

describe('deployment workflow: separate trust for plan, approval and apply', () => {
  const workflow = parse(source) as Workflow;

  it('plans read-only, applies only the reviewed plan in the production environment, after CI, with what CI built', () => {
    assert.deepEqual(trustViolations(workflow), []);
  });

  it('catches what the earlier workflow did: workflow-wide id-token, an unprotected plan job with the production identity, an apply that plans again', () => {
    const loose: Workflow = parse(source) as Workflow;
    const plan = loose.jobs.plan;
    const apply = loose.jobs.apply;
    assert.ok(plan && apply, 'the workflow has a plan and an apply job');
    const broken: Workflow = {
      ...loose,
      permissions: { contents: 'read', 'id-token': 'write' },
      jobs: {
        ...loose.jobs,
        plan: { ...plan, if: "github.event_name == 'pull_request'", env: { ARM_CLIENT_ID: '${{ vars.AZURE_CLIENT_ID }}' } },
        apply: { ...apply, needs: [], steps: [...apply.steps, { run: 'terraform plan -out=tfplan && terraform apply tfplan' }] },
      },
    };
    const found = trustViolations(broken);
    for (const expected of ['grants permissions to every job', 'a pull request can use the deploying identity', 'forks would run', 'plans again after the approval', 'does not need a job that saved the plan']) {
      assert.ok(found.some((line) => line.includes(expected)), `not caught: ${expected}\n${found.join('\n')}`);
    }
  });

  it('deploys the packages of the CI run it follows, with no build', () => {
    const apply = workflow.jobs.apply;
    const download = apply?.steps.find((step) => step.with?.name === 'function-packages');
    assert.equal(download?.with?.['run-id'], '${{ github.event.workflow_run.id }}');
    assert.ok(apply?.steps.some((step) => /deploy-functions\.sh packages$/m.test(step.run ?? '')));
    const ci = parse(readFileSync(join(repositoryRoot(), '.github', 'workflows', 'ci.yml'), 'utf8')) as Workflow;
    const upload = ci.jobs.package?.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    assert.equal(upload?.with?.name, 'function-packages');
    assert.ok(ci.jobs.package?.steps.some((step) => (step.run ?? '').includes('package-functions.sh')));
  });
});
