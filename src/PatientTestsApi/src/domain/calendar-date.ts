import { z } from 'zod';

/**
 * Dates of birth as the original API takes them: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, years 0001-9999.
 * An impossible date (`2000-02-31`) is rejected, not rolled over.
 */
export const partialDatePattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

const yearPattern = '(?:[1-9]\\d{3}|0[1-9]\\d{2}|00[1-9]\\d|000[1-9])';
const leapYearPattern = '(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
const monthAndDayPattern = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';

/**
 * Exactly the values `dateSpan` accepts, leap days included, as one regular expression: what the
 * OpenAPI document publishes, so that every value a client can derive from the contract is accepted
 * (a property-based fuzzer checks exactly that). No lookarounds, so generators can work from it.
 */
export const calendarDatePattern = new RegExp(
  `^(?:${yearPattern}|${yearPattern}-(?:0[1-9]|1[0-2])|${yearPattern}-${monthAndDayPattern}|${leapYearPattern}-02-29)$`,
);

export interface DateSpan {
  /** First instant of the period, UTC. */
  readonly start: Date;
  /** Last millisecond of the period, UTC. */
  readonly end: Date;
}

/** The whole-day span a (partial) date stands for, or undefined when it is not a calendar date. */
export function dateSpan(value: string): DateSpan | undefined {
  const match = partialDatePattern.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] === undefined ? undefined : Number(match[2]);
  const day = match[3] === undefined ? undefined : Number(match[3]);
  if (year < 1 || (month !== undefined && (month < 1 || month > 12))) return undefined;
  if (day !== undefined && (day < 1 || day > daysIn(year, month ?? 1))) return undefined;
  return spanOfParts(year, month, day);
}

/**
 * A date of birth that passed validation: the schema parses it once and hands it on with this type, so
 * nothing after validation needs to ask again whether it is a calendar date (the stored documents carry
 * it with the same type, as they carry a validated gender).
 */
export const calendarDate = z
  .string()
  .regex(calendarDatePattern, 'must be a calendar date as YYYY, YYYY-MM or YYYY-MM-DD')
  .refine((value) => dateSpan(value) !== undefined, 'is not a calendar date')
  .brand<'CalendarDate'>();

export type CalendarDate = z.output<typeof calendarDate>;

/** The span of a validated date: always one, so no caller has a "not a date" case to handle. */
export function spanOf(date: CalendarDate): DateSpan {
  const [year, month, day] = date.split('-').map(Number);
  return spanOfParts(year ?? 1, month, day);
}

function spanOfParts(year: number, month: number | undefined, day: number | undefined): DateSpan {
  const start = utc(year, (month ?? 1) - 1, day ?? 1);
  const next = day !== undefined ? utc(year, (month ?? 1) - 1, day + 1) : month !== undefined ? utc(year, month, 1) : utc(year + 1, 0, 1);
  return { start, end: new Date(next.getTime() - 1) };
}

function daysIn(year: number, month: number): number {
  return utc(year, month, 0).getUTCDate();
}

/** Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not. */
function utc(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}
