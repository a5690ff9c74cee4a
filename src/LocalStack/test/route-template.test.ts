import assert from 'node:assert/strict';
import { compileRoute, matchRoute } from '../src/host/route-template';

const patientId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const testId = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('route templates', () => {
  const tests = compileRoute('api', 'patient/{patientId:guid}/tests/{testId:guid?}');

  it('matches required and optional segments with their values', () => {
    assert.deepEqual(matchRoute(tests, `/api/patient/${patientId}/tests`), { patientId });
    assert.deepEqual(matchRoute(tests, `/api/patient/${patientId}/tests/${testId}`), { patientId, testId });
  });

  it('ignores case in literals and a trailing slash', () => {
    assert.deepEqual(matchRoute(tests, `/API/Patient/${patientId}/TESTS/`), { patientId });
  });

  it('enforces constraints', () => {
    assert.equal(matchRoute(tests, '/api/patient/not-a-guid/tests'), undefined);
    assert.equal(matchRoute(compileRoute('api', 'item/{n:int}'), '/api/item/12x'), undefined);
    assert.deepEqual(matchRoute(compileRoute('api', 'item/{n:int}'), '/api/item/-12'), { n: '-12' });
  });

  it('applies the route prefix, or none when it is empty', () => {
    assert.equal(matchRoute(compileRoute('api', 'auditrecord'), '/auditrecord'), undefined);
    assert.deepEqual(matchRoute(compileRoute('', 'auditrecord'), '/auditrecord'), {});
  });

  it('fills defaults and catches the rest of the path', () => {
    assert.deepEqual(matchRoute(compileRoute('api', 'page/{n=1}'), '/api/page'), { n: '1' });
    assert.deepEqual(matchRoute(compileRoute('api', 'files/{*path}'), '/api/files/a/b.txt'), { path: 'a/b.txt' });
  });

  it('ranks literal segments above parameters', () => {
    const search = compileRoute('api', 'patient/search');
    const byId = compileRoute('api', 'patient/{patientId}');
    assert.ok(search.specificity > byId.specificity);
    assert.deepEqual(matchRoute(byId, '/api/patient/search'), { patientId: 'search' });
  });

  it('matches nothing for a malformed escape instead of throwing', () => {
    assert.equal(matchRoute(compileRoute('api', 'patient/{id}'), '/api/patient/%E0%A4%A'), undefined);
  });

  it('refuses a constraint it does not know rather than ignoring it', () => {
    assert.throws(() => compileRoute('api', 'x/{id:regex(^a$)}'), /not supported/);
  });
});
