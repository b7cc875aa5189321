/**
 * Business hours in an IANA time zone, with weekly hours and holidays.
 * @module
 */
import { SwitchboardError } from '@switchboard/core';

/** Days as keys of {@link BusinessHours.weekly}. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** When the business answers. */
export interface BusinessHours {
  /** An IANA time zone (`America/New_York`, `Europe/Berlin`). */
  timeZone: string;
  /** Opening intervals per day, `[['09:00', '17:00']]`; a day not listed is closed. `24:00` ends a day. */
  weekly: Partial<Record<Weekday, [string, string][]>>;
  /** Closed dates, `YYYY-MM-DD` in the business's time zone. */
  holidays?: string[];
}

const DAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const minutes = (hhmm: string) => {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m || (m[1] === '24' && m[2] !== '00'))
    throw new SwitchboardError('CONFIG_INVALID', `business hours: "${hhmm}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** Checks business hours once, failing fast with CONFIG_INVALID. */
export function validateHours(hours: BusinessHours): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: hours.timeZone });
  } catch (e) {
    throw new SwitchboardError('CONFIG_INVALID', `business hours: unknown time zone "${hours.timeZone}"`, { cause: e });
  }
  for (const intervals of Object.values(hours.weekly))
    for (const [a, b] of intervals ?? [])
      if (minutes(a) >= minutes(b))
        throw new SwitchboardError('CONFIG_INVALID', `business hours: ${a}-${b} ends before it starts`);
  for (const d of hours.holidays ?? [])
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d))
      throw new SwitchboardError('CONFIG_INVALID', `business hours: holiday "${d}" is not YYYY-MM-DD`);
}

/** The date, weekday and minute of day of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): { date: string; day: Weekday; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const day = DAYS[['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!)]!;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    day,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/** Whether the business is open at `at`. */
export function isOpen(hours: BusinessHours, at: Date = new Date()): boolean {
  const t = localTime(at, hours.timeZone);
  if (hours.holidays?.includes(t.date)) return false;
  return (hours.weekly[t.day] ?? []).some(([a, b]) => t.minute >= minutes(a) && t.minute < minutes(b));
}
