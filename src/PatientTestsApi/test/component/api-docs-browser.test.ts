import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '@patient-tests/local-stack';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TestStack } from '../fixtures/test-stack';

/** Debian's chromium (scripts/install-browser.sh installs it); playwright-core brings no browser of its own. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Kept after the run: what a person would have seen. */
const screenshot = join(repositoryRoot(), '.local', 'artifacts', 'api-docs.png');

describe('interactive API docs in a real browser (Swagger UI served by the gateway)', function () {
  this.timeout(120_000);
  let api: TestStack;
  let browser: Browser;
  let page: Page;

  before(async function () {
    if (!existsSync(chromiumPath)) throw new Error(`no browser at ${chromiumPath}: run scripts/install-browser.sh`);
    api = await TestStack.start();
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  });
  after(async () => {
    await browser.close();
    await api.stop();
  });

  /** Opens an operation, presses "Try it out" if needed, fills what is given, executes, and returns the status cell's text. */
  async function run(operationId: string, fill: (operation: ReturnType<Page['locator']>) => Promise<void>): Promise<{ status: string; body: string }> {
    const operation = page.locator(`#operations-default-${operationId}`);
    await operation.locator('.opblock-summary').first().click();
    const tryOut = operation.locator('button.try-out__btn');
    if (await tryOut.count() > 0 && (await tryOut.innerText()).toLowerCase().includes('try it out')) await tryOut.click();
    await fill(operation);
    await operation.locator('button.execute').click();
    const live = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await live.waitFor({ timeout: 15_000 });
    const body = await operation.locator('.live-responses-table tr.response .response-col_description .microlight').first().innerText();
    return { status: (await live.innerText()).trim(), body };
  }

  it('creates a patient from the page with the pre-filled key and an Idempotency-Key, sees 201 (again on a retry, one patient), and loads it back', async () => {
    await page.goto(api.stack.status.gateway.docs);
    await page.locator('#operations-default-createPatient').waitFor({ timeout: 30_000 });

    const lastName = `Browser${Date.now()}`;
    const created = await run('createPatient', async (operation) => {
      await operation.locator('textarea.body-param__text').fill(JSON.stringify({ firstName: 'Grace', lastName, gender: 'female', dateOfBirth: '1906-12-09', postCode: '2000' }));
      await operation.locator('input[placeholder="Idempotency-Key"]').fill(`"${randomUUID()}"`);
    });
    assert.equal(created.status, '201', created.body);
    const patient = JSON.parse(created.body) as { id: string; lastName: string };
    assert.equal(patient.lastName, lastName);
    assert.equal((await api.patients.findOne({ _id: patient.id }))?.lastName, lastName, 'stored for real');

    // Execute the same request again, as a client retrying would: the same patient, nothing new stored.
    const createOperation = page.locator('#operations-default-createPatient');
    await createOperation.locator('button.execute').click();
    await createOperation.locator('.live-responses-table', { hasText: 'idempotent-replayed' }).waitFor({ timeout: 15_000 });
    const retried = await createOperation.locator('.live-responses-table tr.response .response-col_description .microlight').first().innerText();
    assert.equal((JSON.parse(retried) as { id: string }).id, patient.id);
    assert.equal(await api.patients.countDocuments({ lastName }), 1);

    const loaded = await run('loadPatient', async (operation) => {
      await operation.locator('input[placeholder="patientId"]').fill(patient.id);
    });
    assert.equal(loaded.status, '200', loaded.body);
    assert.equal((JSON.parse(loaded.body) as { id: string }).id, patient.id);

    mkdirSync(join(repositoryRoot(), '.local', 'artifacts'), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot));
  });
});
