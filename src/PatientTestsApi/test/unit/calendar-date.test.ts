import assert from 'node:assert/strict';
import { calendarDatePattern, dateSpan } from '../../src/domain/calendar-date';

describe('dateSpan', () => {
  it('gives the whole day, month or year a (partial) date stands for', () => {
    assert.deepEqual(dateSpan('1990-06-15'), { start: new Date('1990-06-15T00:00:00.000Z'), end: new Date('1990-06-15T23:59:59.999Z') });
    assert.deepEqual(dateSpan('2000-02'), { start: new Date('2000-02-01T00:00:00.000Z'), end: new Date('2000-02-29T23:59:59.999Z') });
    assert.deepEqual(dateSpan('1908'), { start: new Date('1908-01-01T00:00:00.000Z'), end: new Date('1908-12-31T23:59:59.999Z') });
  });

  it('handles years below 100 literally', () => {
    assert.equal(dateSpan('0050-01-01')?.start.getUTCFullYear(), 50);
  });

  it('rejects impossible calendar dates instead of rolling them over', () => {
    for (const value of ['2000-02-30', '1900-02-29', '2001-04-31', '2001-13', '2001-00-10', '0000', '99-01-01', '2001-1-1', '']) {
      assert.equal(dateSpan(value), undefined, value);
    }
    assert.ok(dateSpan('2000-02-29'), 'a leap day is a date');
  });
});

describe('calendarDatePattern (what the OpenAPI document publishes)', () => {
  it('accepts exactly what dateSpan accepts: every day, month and year form across leap-year rules', () => {
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    const years = [0, 1, 4, 99, 100, 400, 1600, 1700, 1900, 1999, 2000, 2023, 2024, 2100, 2400, 9996, 9999];
    let compared = 0;
    for (const year of years) {
      const candidates = [pad(year, 4)];
      for (let month = 0; month <= 13; month += 1) {
        candidates.push(`${pad(year, 4)}-${pad(month, 2)}`);
        for (let day = 0; day <= 32; day += 1) candidates.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
      }
      for (const value of candidates) {
        assert.equal(calendarDatePattern.test(value), dateSpan(value) !== undefined, value);
        compared += 1;
      }
    }
    assert.equal(compared, years.length * (1 + 14 * 34));
  });
});
