/**
 * Intake of an application in a selection round: the checks that **reject** at once (R7.2, R8.1,
 * R9.3), as opposed to the R6 eligibility flags that only inform the preliminary reviewer; the
 * ordering of applications on the staff's lists (R7.0, R8.2); and the re-application bar (R9.3).
 *
 * For a training round the Art. 7 procedure applies through R8.1, so the R7.2 checks apply to both
 * kinds; the rule IDs name the article that states the requirement.
 *
 * Pure functions: no I/O, no clock (the instant of the application is a parameter).
 */
import { DateTime } from 'luxon';
import { isUnit, type Unit } from '../actors.js';
import { type IsoDate, ZONE, parseIsoDate, shanghaiDate } from '../calendar/dates.js';
import { type Kind, type Occupation, KINDS, organiserMismatch } from '../kinds.js';
import type { EligibilityFlag } from './eligibility.js';
import { type PriorityCategory, PRIORITY_CATEGORIES, SelectionInputError, selectionPolicy } from './policy.js';

/** R9.3 a re-application bar: the institution may not apply for this kind × occupation up to `until` (inclusive). */
export interface Bar {
  institutionId: string;
  kind: Kind;
  occupationCode: string;
  /** The last barred day, Asia/Shanghai (see `barUntil`). */
  until: IsoDate;
  reason: string;
}

/** The round (selection notice) an application is made under. */
export interface IntakeRound {
  kind: Kind;
  /** `national` for evaluation (R7), `province:<code>` for training (R8.1). */
  organiser: Unit;
  /** The notice's application window, both days inclusive, Asia/Shanghai. */
  window: { opens: IsoDate; closes: IsoDate };
  /** The occupations the notice names (R7.1). */
  occupations: readonly Occupation[];
}

export interface IntakeApplication {
  institutionId: string;
  /** Two-digit GB/T 2260 code of the province the institution is registered in. */
  province: string;
  occupationCodes: readonly string[];
  /** The channel (R7.2): the provincial HR of the institution's territory or an industry department. */
  recommender: Unit;
}

/**
 * One of **this institution's** earlier applications **in this round**. Any status not listed in
 * `selectionPolicy.intake.closedStatuses` (withdrawn, rejected) counts as active.
 */
export interface ExistingApplication {
  occupationCode: string;
  recommender: Unit;
  status: string;
}

export interface IntakeInput {
  round: IntakeRound;
  application: IntakeApplication;
  existing: readonly ExistingApplication[];
  bars: readonly Bar[];
  /** The instant the application was submitted, ISO with Z or an offset. */
  at: string;
}

/** The rule each rejection enforces. */
export const INTAKE_REJECTION_RULES = {
  /** R7.2 (dates of the R7.1 notice): before the window opens. */
  WINDOW_NOT_OPEN: 'R7.2',
  /** R7.2: after 24:00 Asia/Shanghai of the window's last day. */
  WINDOW_CLOSED: 'R7.2',
  /** R7.2: an application names at least one occupation. */
  NO_OCCUPATION: 'R7.2',
  /** R7.2 (occupations of the R7.1 notice): an occupation the notice does not cover. */
  OCCUPATION_NOT_IN_NOTICE: 'R7.2',
  /** R7.2: the same occupation named twice in one application. */
  OCCUPATION_REPEATED: 'R7.2',
  /** R7.2: an active application for the occupation already exists through the same channel. */
  DUPLICATE_APPLICATION: 'R7.2',
  /** R7.2 不得多渠道重复申报同一职业: the occupation was already applied for through another channel. */
  SECOND_CHANNEL: 'R7.2',
  /** R7.2: the recommender is neither a provincial HR department nor an industry department. */
  RECOMMENDER_NOT_ALLOWED: 'R7.2',
  /** R7.2 属地: a provincial HR department other than that of the institution's territory. */
  RECOMMENDER_OUT_OF_TERRITORY: 'R7.2',
  /** R9.3: under a re-application bar for this kind × occupation. */
  REAPPLICATION_BARRED: 'R9.3',
  /** R8.1: a province selects training institutions of its own territory only. */
  OUTSIDE_PROVINCE: 'R8.1',
} as const;
export type IntakeRejectionCode = keyof typeof INTAKE_REJECTION_RULES;

interface WindowDetails {
  date: IsoDate;
  opens: IsoDate;
  closes: IsoDate;
}
/** What each rejection reports, by code. */
export interface IntakeRejectionDetails {
  WINDOW_NOT_OPEN: WindowDetails;
  WINDOW_CLOSED: WindowDetails;
  NO_OCCUPATION: Record<string, never>;
  OCCUPATION_NOT_IN_NOTICE: { occupationCode: string; covered: string[] };
  OCCUPATION_REPEATED: { occupationCode: string };
  DUPLICATE_APPLICATION: { occupationCode: string; recommender: Unit; status: string };
  SECOND_CHANNEL: { occupationCode: string; recommender: Unit; existingRecommender: Unit; existingStatus: string };
  RECOMMENDER_NOT_ALLOWED: { recommender: string };
  RECOMMENDER_OUT_OF_TERRITORY: { recommender: Unit; province: string };
  REAPPLICATION_BARRED: { occupationCode: string; kind: Kind; until: IsoDate; reason: string };
  OUTSIDE_PROVINCE: { province: string; organiser: Unit };
}

export type IntakeRejection = {
  [C in IntakeRejectionCode]: {
    code: C;
    rule: (typeof INTAKE_REJECTION_RULES)[C];
    /** JSON pointer into the IntakeInput, e.g. `/application/occupationCodes/1`. */
    field: string;
    message: string;
    details: IntakeRejectionDetails[C];
  };
}[IntakeRejectionCode];

function reject<C extends IntakeRejectionCode>(
  code: C,
  field: string,
  message: string,
  details: IntakeRejectionDetails[C],
): IntakeRejection {
  return { code, rule: INTAKE_REJECTION_RULES[code], field, message, details } as IntakeRejection;
}

const PROVINCE_CODE = /^[0-9]{2}$/;

/** Validates the round and the application's own shape; a bad input is a caller's error, not a rejection. */
function validate(input: IntakeInput): { opens: IsoDate; closes: IsoDate; date: IsoDate } {
  const { round, application } = input;
  if (!(KINDS as readonly string[]).includes(round.kind)) {
    throw new SelectionInputError('/round/kind', `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(round.kind)}`);
  }
  const mismatch = organiserMismatch(round.kind, round.organiser);
  if (mismatch) throw new SelectionInputError('/round/organiser', mismatch);
  const opens = parseIsoDate(round.window.opens, '/round/window/opens');
  const closes = parseIsoDate(round.window.closes, '/round/window/closes');
  if (closes < opens) throw new SelectionInputError('/round/window/closes', `the window closes (${closes}) before it opens (${opens})`);
  if (typeof application.institutionId !== 'string' || application.institutionId === '') {
    throw new SelectionInputError('/application/institutionId', 'expected a non-empty institution id');
  }
  if (typeof application.province !== 'string' || !PROVINCE_CODE.test(application.province)) {
    throw new SelectionInputError('/application/province', `expected a two-digit province code, got ${JSON.stringify(application.province)}`);
  }
  input.bars.forEach((b, i) => parseIsoDate(b.until, `/bars/${i}/until`));
  const date = shanghaiDate(input.at, '/at');
  return { opens, closes, date };
}

/**
 * The checks that reject an application at once (empty = accepted for preliminary review):
 * - R7.2 submitted within the notice's window (opens..closes inclusive, Asia/Shanghai day of `at`);
 * - R7.2 for occupations the notice covers (R7.1), each named once;
 * - R7.2 recommended by the provincial HR of the institution's territory or an industry department;
 * - R7.2 not the same occupation through a second channel, nor a duplicate through the same one;
 * - R9.3 not under a re-application bar for the round's kind × occupation;
 * - R8.1 in a training round, the institution is located in the organising province.
 * Every failing check is reported (not only the first), each occupation separately.
 * @throws SelectionInputError when the input itself is malformed (bad dates, a round whose organiser
 * does not fit its kind, a window that closes before it opens...).
 */
export function checkIntake(input: IntakeInput): IntakeRejection[] {
  const { round, application, existing, bars } = input;
  const { opens, closes, date } = validate(input);
  const rejections: IntakeRejection[] = [];

  // R7.2 within the application window of the notice (both days inclusive, until 24:00 Asia/Shanghai).
  if (date < opens) {
    rejections.push(reject('WINDOW_NOT_OPEN', '/at', `applications open on ${opens} (Asia/Shanghai); submitted on ${date}`, { date, opens, closes }));
  } else if (date > closes) {
    rejections.push(reject('WINDOW_CLOSED', '/at', `applications closed at 24:00 on ${closes} (Asia/Shanghai); submitted on ${date}`, { date, opens, closes }));
  }

  // R8.1 a province selects the training institutions of its own territory.
  if (round.kind === 'training') {
    const organiserProvince = round.organiser.slice('province:'.length);
    if (application.province !== organiserProvince) {
      rejections.push(
        reject(
          'OUTSIDE_PROVINCE',
          '/application/province',
          `this training round is run by ${round.organiser}; the institution is located in province ${application.province}`,
          { province: application.province, organiser: round.organiser },
        ),
      );
    }
  }

  // R7.2 the channel: the provincial HR of the territory (属地) or an industry department (按隶属关系).
  const recommender: string = application.recommender;
  if (!isUnit(recommender) || !(recommender.startsWith('province:') || recommender.startsWith('industry:'))) {
    rejections.push(
      reject(
        'RECOMMENDER_NOT_ALLOWED',
        '/application/recommender',
        `the recommender must be the provincial HR department of the institution's territory (province:${application.province}) or an industry department (industry:<code>); got ${recommender}`,
        { recommender },
      ),
    );
  } else if (recommender.startsWith('province:') && recommender !== `province:${application.province}`) {
    rejections.push(
      reject(
        'RECOMMENDER_OUT_OF_TERRITORY',
        '/application/recommender',
        `only the provincial HR department of the institution's territory (province:${application.province}) may recommend it; got ${recommender}`,
        { recommender: application.recommender, province: application.province },
      ),
    );
  }

  if (application.occupationCodes.length === 0) {
    rejections.push(reject('NO_OCCUPATION', '/application/occupationCodes', 'the application names no occupation', {}));
  }

  const covered = round.occupations.map((o) => o.code);
  const { closedStatuses, closedApplicationBindsChannel } = selectionPolicy.intake;
  const seen = new Set<string>();
  application.occupationCodes.forEach((code, i) => {
    const field = `/application/occupationCodes/${i}`;

    // R7.2 one application per occupation: the same code twice in one application.
    if (seen.has(code)) {
      rejections.push(reject('OCCUPATION_REPEATED', field, `occupation ${code} is named more than once`, { occupationCode: code }));
      return;
    }
    seen.add(code);

    // R7.2 / R7.1 only occupations the notice names.
    if (!covered.includes(code)) {
      rejections.push(
        reject('OCCUPATION_NOT_IN_NOTICE', field, `occupation ${code} is not covered by this selection notice (covers ${covered.join(', ') || 'none'})`, {
          occupationCode: code,
          covered,
        }),
      );
    }

    // R7.2 不得多渠道重复申报同一职业. An active application blocks every channel; a closed one
    // (withdrawn, rejected) still binds the occupation to its channel for this round (policy Decision).
    for (const prior of existing.filter((x) => x.occupationCode === code)) {
      const active = !closedStatuses.includes(prior.status);
      if (prior.recommender === application.recommender) {
        if (active) {
          rejections.push(
            reject(
              'DUPLICATE_APPLICATION',
              field,
              `occupation ${code} has already been applied for in this round through ${prior.recommender} (status ${prior.status})`,
              { occupationCode: code, recommender: prior.recommender, status: prior.status },
            ),
          );
          break;
        }
      } else if (active || closedApplicationBindsChannel) {
        rejections.push(
          reject(
            'SECOND_CHANNEL',
            field,
            `occupation ${code} was already applied for in this round through ${prior.recommender} (status ${prior.status}); ` +
              `the same occupation may not be applied for through more than one channel (不得多渠道重复申报同一职业)`,
            { occupationCode: code, recommender: application.recommender, existingRecommender: prior.recommender, existingStatus: prior.status },
          ),
        );
        break;
      }
    }

    // R9.3 re-application bar for this kind × occupation, up to and including its end date.
    const bar = bars
      .filter((b) => b.institutionId === application.institutionId && b.kind === round.kind && b.occupationCode === code && date <= b.until)
      .sort((a, b) => codeUnitOrder(b.until, a.until))[0]; // the latest end date
    if (bar) {
      rejections.push(
        reject(
          'REAPPLICATION_BARRED',
          field,
          `the institution may not apply again for ${round.kind} in occupation ${code} until ${bar.until} inclusive (${bar.reason}); it may apply from ${plusOneDay(bar.until)}`,
          { occupationCode: code, kind: round.kind, until: bar.until, reason: bar.reason },
        ),
      );
    }
  });

  return rejections;
}

function plusOneDay(date: IsoDate): IsoDate {
  return DateTime.fromISO(date, { zone: ZONE }).plus({ days: 1 }).toISODate() ?? date;
}

/**
 * R9.3 the last day of the 3-year re-application bar after a listing ends, Asia/Shanghai.
 * Convention: `expiry` is the listing's last day (R9 Decision: publication + 3 years − 1 day, or
 * the effective day of a removal, R20 Decision); the bar covers the 3 years that follow it, i.e.
 * from expiry + 1 day through expiry + 3 years inclusive (luxon year arithmetic, so 29 February
 * clamps to 28 February). The institution may apply again from the day after the returned date.
 * Example: expiry 2026-06-30 → barred through 2029-06-30, may apply from 2029-07-01.
 */
export function barUntil(expiry: IsoDate): IsoDate {
  const d = parseIsoDate(expiry, 'expiry');
  const until = DateTime.fromISO(d, { zone: ZONE }).plus({ years: selectionPolicy.reapplicationBar.years }).toISODate();
  if (until === null) throw new SelectionInputError('expiry', `${expiry} gives no valid bar end date`);
  return until;
}

/**
 * R7.0 (evaluation) / R8.2 (training): the priority rank of an applicant category, 0 = highest.
 * A category the kind's policy does not list ranks with `other` (a continuing-education base
 * applying to be an evaluation institution has no evaluation priority).
 */
export function priorityOf(kind: Kind, category: PriorityCategory): number {
  const tiers: readonly (readonly string[])[] | undefined = selectionPolicy.priority[kind];
  if (!tiers) throw new SelectionInputError('kind', `expected one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  if (!(PRIORITY_CATEGORIES as readonly string[]).includes(category)) {
    throw new SelectionInputError('category', `expected one of ${PRIORITY_CATEGORIES.join(', ')}, got ${JSON.stringify(category)}`);
  }
  const rank = tiers.findIndex((tier) => tier.includes(category));
  if (rank >= 0) return rank;
  const other = tiers.findIndex((tier) => tier.includes('other'));
  return other >= 0 ? other : tiers.length;
}

/** An application as it appears on a staff list of a round. */
export interface RankedApplication {
  kind: Kind;
  category: PriorityCategory;
  /** The R6 flags of its preliminary check. */
  flags: readonly EligibilityFlag[];
  /** ISO instant with Z or an offset. */
  submittedAt: string;
  /** A stable id, the last tie-breaker so the order is total and reproducible. */
  id?: string;
}

function instantMillis(instant: string, field: string): number {
  shanghaiDate(instant, field); // validates: offset required
  return DateTime.fromISO(instant, { zone: ZONE }).toMillis();
}

/** Locale-independent string order, so the list is the same on every machine. */
function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Order of applications on the staff's lists, for `Array.prototype.sort`: priority category first
 * (R7.0 evaluation, R8.2 training), then fewer R6 flags, then earlier submission, then id.
 * Both must be of the same kind (one round).
 */
export function compareApplications(a: RankedApplication, b: RankedApplication): number {
  if (a.kind !== b.kind) throw new SelectionInputError('kind', `cannot rank a ${a.kind} application against a ${b.kind} one`);
  return (
    priorityOf(a.kind, a.category) - priorityOf(b.kind, b.category) ||
    a.flags.length - b.flags.length ||
    instantMillis(a.submittedAt, 'submittedAt') - instantMillis(b.submittedAt, 'submittedAt') ||
    codeUnitOrder(a.id ?? '', b.id ?? '')
  );
}
