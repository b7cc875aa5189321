import { describe, expect, it } from 'vitest';
import { complianceKeyword, HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from './keywords.js';

describe('complianceKeyword', () => {
  it('knows Twilio’s and the carriers’ keyword sets', () => {
    expect([...OPT_OUT_KEYWORDS]).toEqual([
      'STOP',
      'STOPALL',
      'UNSUBSCRIBE',
      'CANCEL',
      'END',
      'QUIT',
      'REVOKE',
      'OPTOUT',
    ]);
    expect([...OPT_IN_KEYWORDS]).toEqual(['START', 'YES', 'UNSTOP']);
    expect([...HELP_KEYWORDS]).toEqual(['HELP', 'INFO']);
    for (const k of OPT_OUT_KEYWORDS) expect(complianceKeyword(k.toLowerCase())).toBe('opt-out');
    for (const k of OPT_IN_KEYWORDS) expect(complianceKeyword(k)).toBe('opt-in');
    for (const k of HELP_KEYWORDS) expect(complianceKeyword(k)).toBe('help');
  });

  it('matches the whole message, case- and space-insensitively', () => {
    expect(complianceKeyword('  Stop ')).toBe('opt-out');
    expect(complianceKeyword('stop all')).toBe('opt-out');
    expect(complianceKeyword('Opt Out')).toBe('opt-out');
    expect(complianceKeyword('STOP.')).toBe('opt-out');
    expect(complianceKeyword('sTaRt')).toBe('opt-in');
    expect(complianceKeyword('please stop')).toBeUndefined();
    expect(complianceKeyword('stopping by later')).toBeUndefined();
    expect(complianceKeyword('help me')).toBeUndefined();
    expect(complianceKeyword('')).toBeUndefined();
    expect(complianceKeyword(undefined)).toBeUndefined();
  });
});
