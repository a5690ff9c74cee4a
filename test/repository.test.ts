import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './repository-root';

const run = promisify(execFile);
const root = repositoryRoot;

/** The Markdown a reader follows: the README, docs/, env/ and the load-test guide. */
function markdownFiles(): string[] {
  return [
    join(root, 'README.md'),
    join(root, 'env', 'README.md'),
    join(root, 'src', 'LoadTest', 'README.md'),
    ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name)),
  ];
}

describe('repository: workflows, devcontainer, docs', () => {
  describe('GitHub Actions workflows', () => {
    const actionlint = join(root, '.local', 'bin', 'actionlint');

    it('pass actionlint', async () => {
      const workflows = readdirSync(join(root, '.github', 'workflows')).map((name) => join(root, '.github', 'workflows', name));
      assert.ok(workflows.length >= 2, 'a CI and a deployment workflow');
      await run(actionlint, ['-no-color', ...workflows]);
    });

    it('and actionlint does fail on a broken workflow', async () => {
      const scratch = mkdtempSync(join(tmpdir(), 'workflow-'));
      try {
        const broken = join(scratch, 'broken.yml');
        writeFileSync(broken, 'on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.evnt_name }}\n');
        await assert.rejects(run(actionlint, ['-no-color', broken]), (error: unknown) => /evnt_name/.test(String((error as { stdout?: unknown }).stdout)));
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });

    it('the CI workflow has every stage: install, lint, type-check, infrastructure, tests, Locust smoke', () => {
      const ci = readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8');
      for (const step of ['scripts/install.sh', 'eslint', 'tsc -b', 'check-infrastructure.sh', 'npx mocha', 'npm run loadtest', 'npm audit --omit=dev', 'package-functions.sh']) {
        assert.ok(ci.includes(step), `ci.yml runs ${step}`);
      }
    });
  });

  describe('devcontainer', () => {
    const config = JSON.parse(readFileSync(join(root, '.devcontainer', 'devcontainer.json'), 'utf8')) as {
      image: string;
      features: Record<string, unknown>;
      forwardPorts: number[];
      postCreateCommand: string;
      customizations: { vscode: { extensions: string[] } };
    };

    it('parses and provides the tools the README names', () => {
      assert.match(config.image, /node:22/);
      const features = Object.keys(config.features).join(' ');
      for (const tool of ['/go:', '/python:', '/terraform:', '/azure-cli:', 'azure-functions-core-tools']) assert.ok(features.includes(tool), `feature ${tool}`);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      for (const tool of ['Node.js 22', 'Go', 'Python']) assert.ok(readme.includes(tool), `README names ${tool}`);
      assert.match(config.postCreateCommand, /install-python-tools\.sh/);
      assert.ok(config.customizations.vscode.extensions.includes('humao.rest-client'), 'requests.http works in the editor');
    });

    it('forwards every port of the stack that the README table lists', () => {
      // The "what | where" table of the quick start: the stack's own addresses.
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const start = readme.indexOf('| what | where |');
      const table = readme.slice(start, readme.indexOf('\n\n', start));
      const ports = new Set([...table.matchAll(/127\.0\.0\.1:(\d{4,5})/g)].map((match) => Number(match[1])));
      assert.ok(ports.size >= 4);
      for (const port of ports) assert.ok(config.forwardPorts.includes(port), `port ${port}`);
    });
  });

  describe('docs', () => {
    it('have no broken relative links', () => {
      const broken: string[] = [];
      for (const file of markdownFiles()) {
        const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
        for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = (match[1] ?? '').split('#')[0] ?? '';
          if (target === '' || /^[a-z]+:/i.test(target)) continue;
          if (!existsSync(resolve(dirname(file), decodeURIComponent(target)))) broken.push(`${file.slice(root.length + 1)} → ${target}`);
        }
      }
      assert.deepEqual(broken, []);
    });

    it('requests.http has a request for every operation of the OpenAPI document', () => {
      const requests = readFileSync(join(root, 'requests.http'), 'utf8');
      const document = JSON.parse(readFileSync(join(root, 'src', 'PatientTestsApi', 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
      for (const [path, item] of Object.entries(document.paths)) {
        for (const method of Object.keys(item).filter((key) => key !== 'parameters')) {
          const pattern = new RegExp(`^${method.toUpperCase()} \\{\\{gateway\\}\\}/patient${path.replace(/\/$/, '').replace(/\{(\w+)\}/g, (_, name: string) => (name === 'patientId' ? '\\{\\{patientId\\}\\}' : '\\{\\{[^}]+\\}\\}'))}(\\?.*)?$`, 'm');
          assert.match(requests, pattern, `${method.toUpperCase()} ${path}`);
        }
      }
    });
  });
});
