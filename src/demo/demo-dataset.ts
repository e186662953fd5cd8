import { daysBetween, parisDay } from '../common/paris-time';
import {
  AggregatorGroup,
  DossierMetadata,
  DossierRecordRow,
  ProcedureConfigRow,
} from '../dossier-source/aggregator-row';
import { addDays, addMonths, DAY, dayOf, HOUR, iso, MINUTE, SECOND } from './demo-calendar';
import { Champ, DEBUT_APT, FIN_APT, procedureForm, ProcedureForm } from './demo-form';
import { slug, upperAscii } from './demo-spelling';
import {
  APPLICANT_AFTER_DECISION,
  APPLICANT_ANSWERS,
  APPLICANT_FOLLOW_UPS,
  ATTACHMENTS,
  City,
  COMPANY_WORDS,
  Country,
  COUNTRIES,
  DEPARTEMENTS,
  FRENCH_NAMES,
  GARBAGE_APT_DATES,
  GROUP_WEIGHTS,
  INSTRUCTOR_AFTER_DECISION,
  INSTRUCTOR_QUESTIONS,
  INTRODUCTION_WEIGHT,
  Job,
  LEGAL_FORMS,
  NamePool,
  REFUSAL_MOTIVATIONS,
  Sector,
  SECTORS,
  STREETS,
  STUDENT_HOURS,
  WITHOUT_CONTINUATION_MOTIVATIONS,
  WORKFORCE_CODES,
} from './demo-vocabulary';
import { PROCEDURE_CONFIGS } from './procedure-configs';
import { Random, WeightedTable } from './random';

/**
 * Synthetic ds-aggregator `dossier_record` rows (docs/domain.md#dossiers), invented but shaped like production: for
 * demos, medium tests and benchmarks. Rows stream out of a generator so that 100,000+ of them take constant memory,
 * and one seeded PRNG drives everything so that a seed, a `now` and a count always give the same rows.
 *
 * Besides ordinary dossiers, small shares of rows are made to hit every alert rule and every known data defect, so
 * that each code path has something to chew on (the APT anomalies, after-decision messages and defects below).
 */
export const DEMO_SEED = 20260101;

export interface DemoDatasetOptions {
  count: number;
  seed?: number;
  now: Date;
}

const FIRST_DOSSIER_ID = 300_000;
const HISTORY_START = Date.UTC(2018, 0, 2, 8);
// The introduction procedure (33588) only opened in the autumn of 2020.
const INTRODUCTION_OPENING = Date.UTC(2020, 9, 1);
// DIRECCTE became DREETS on 1 April 2021, and the instructors' addresses moved with it. Every invented address uses
// a reserved domain (.test, example.org), so that no demo mail can ever reach a real mailbox.
const DREETS_RENAME = Date.UTC(2021, 3, 1);
/** DS's own sender (not a person): the alert rules recognise its automatic messages by this address. */
const DS_CONTACT = 'contact@demarches-simplifiees.fr';
export const DEMO_DIRECCTE_DOMAIN = 'direccte.test';
export const DEMO_DREETS_DOMAIN = 'dreets.test';
// The last weeks hold more dossiers than the history average, so that "fresh" cases exist even in small data sets.
const TAIL_SHARE = 0.025;
const TAIL_DAYS = 30;

/** Luhn check digit, which SIREN and SIRET numbers carry. */
function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

const APT_MONTHS = new WeightedTable<number>([
  [1, 5],
  [2, 6],
  [3, 15],
  [4, 6],
  [5, 4],
  [6, 20],
  [8, 5],
  [9, 8],
  [10, 5],
  [11, 3],
  [12, 23],
]);

type Outcome = 'closed' | 'refused' | 'without_continuation' | 'stuckInitiated' | 'stuckReceived';

const OUTCOMES = new WeightedTable<Outcome>([
  ['closed', 84],
  ['refused', 8.5],
  ['without_continuation', 5.5],
  ['stuckInitiated', 1],
  ['stuckReceived', 1],
]);

type AptAnomaly = 'none' | 'debutEmpty' | 'debutAbsent' | 'finEmpty' | 'endBeforeStart' | 'overOneYear' | 'oneYear';

// Shares among closed autorisations (about 2/3 of all rows), so each family is around 1% of all rows.
const APT_ANOMALIES = new WeightedTable<AptAnomaly>([
  ['none', 91.5],
  ['debutEmpty', 1.5],
  ['debutAbsent', 1],
  ['finEmpty', 1.5],
  ['endBeforeStart', 1.2],
  ['overOneYear', 1.6],
  ['oneYear', 1.2],
]);
// Decisions of the last days get far more anomalies, so that alert mails (blocked after 2 days) have something to send.
const RECENT_APT_ANOMALIES = new WeightedTable<AptAnomaly>([
  ['none', 60],
  ['debutEmpty', 7],
  ['debutAbsent', 5],
  ['finEmpty', 7],
  ['endBeforeStart', 7],
  ['overOneYear', 8],
  ['oneYear', 6],
]);

type AfterDecision = 'none' | 'applicantArchived' | 'applicantNotArchived' | 'instructorAnswered';

const AFTER_DECISION = new WeightedTable<AfterDecision>([
  ['none', 94.8],
  ['applicantArchived', 2.5],
  ['applicantNotArchived', 0.7],
  ['instructorAnswered', 2],
]);

type Defect =
  | 'missingNom'
  | 'missingBirthDate'
  | 'malformedBirthDate'
  | 'nullEtablissement'
  | 'missingNationalite'
  | 'garbageAptDate';

const DEFECT_SHARE = 0.005;
const DEFECTS: Defect[] = [
  'missingNom',
  'missingBirthDate',
  'malformedBirthDate',
  'nullEtablissement',
  'missingNationalite',
  'garbageAptDate',
];
// Share of closed autorisations decided in the last year whose APT is made to end yesterday, today or tomorrow.
const ENDS_AROUND_TODAY_SHARE = 0.03;

interface Procedure {
  id: number;
  form: ProcedureForm;
}

interface Person {
  first: string;
  last: string;
}

interface Employer {
  raisonSociale: string;
  siren: string;
  siret: string;
  sector: Sector;
  legalForm: [string, string];
  capital: number;
  workforce: string;
  createdOn: string;
  headOffice: boolean;
  city: City;
  streetNumber: number;
  street: [string, string];
  contact: Person;
  accountEmail: string;
  phone: string;
}

interface Applicant {
  civilite: 'M.' | 'Mme';
  person: Person;
  country: Country;
  birthDate: string;
  birthPlace: string;
  email: string;
  phone: string;
}

interface Message {
  email: string;
  body: string;
  created_at: string;
  attachment: string | null;
}

interface Timeline {
  createdMs: number;
  initiatedMs: number;
  receivedMs: number | null;
  processedMs: number | null;
  state: string;
}

interface Exchange {
  messages: Message[];
  lastMessageMs: number;
  archived: boolean;
}

interface Annotation {
  present: boolean;
  value: string | null;
}

const EMPTY_ANNOTATION: Annotation = { present: true, value: '' };

interface AptAnnotations {
  debut: Annotation;
  fin: Annotation;
  contractStart: string;
  contractEnd: string;
  isIntroduction: boolean;
}

const DECISION_SUBJECTS: Record<string, string> = {
  closed: 'a été accepté',
  refused: 'a été refusé',
  without_continuation: 'a été classé sans suite',
};

function groupKey(group: AggregatorGroup): string {
  return `${group.id}/${group.type ?? 'autorisation'}`;
}

class DossierFactory {
  private readonly today: string;
  private readonly start: number;
  private readonly tailStart: number;
  private readonly allGroups: WeightedTable<ProcedureConfigRow>;
  private readonly autorisationGroups: WeightedTable<ProcedureConfigRow>;
  private readonly procedures = new Map<ProcedureConfigRow, WeightedTable<Procedure>>();
  private readonly instructors = new Map<ProcedureConfigRow, Person[]>();
  private readonly employers = new Map<string, Employer[]>();

  constructor(
    private readonly random: Random,
    private readonly now: number,
    private readonly count: number,
  ) {
    this.today = parisDay(new Date(now));
    // A `now` close to 2018 still gets a year of history rather than a handful of days.
    this.start = Math.min(HISTORY_START, now - 365 * DAY);
    this.tailStart = now - TAIL_DAYS * DAY;
    const weight = (c: ProcedureConfigRow) =>
      c.group.type === 'introduction' ? INTRODUCTION_WEIGHT : (GROUP_WEIGHTS[c.group.id] ?? 1);
    this.allGroups = new WeightedTable(PROCEDURE_CONFIGS.map((c) => [c, weight(c)]));
    this.autorisationGroups = new WeightedTable(
      PROCEDURE_CONFIGS.filter((c) => c.group.type !== 'introduction').map((c) => [c, weight(c)]),
    );
    for (const config of PROCEDURE_CONFIGS) {
      // The first procedure of a group is the main one; Paris keeps two older ones alive.
      const weights = config.procedures.length === 3 ? [60, 25, 15] : [65, 35];
      this.procedures.set(
        config,
        new WeightedTable(
          config.procedures.map((id, i): [Procedure, number] => [
            { id, form: procedureForm(id, config.group.type) },
            weights[i] ?? 1,
          ]),
        ),
      );
      const size = config.group.id === '75' ? 8 : random.int(2, 5);
      this.instructors.set(
        config,
        Array.from({ length: size }, () => this.person(FRENCH_NAMES, random.chance(0.6))),
      );
    }
  }

  /** Creation instants increase with the index, as DS numbers increase with time; recent months are denser. */
  createdAt(index: number): number {
    const u = (index + this.random.next()) / this.count;
    const bodyShare = 1 - TAIL_SHARE;
    if (u < bodyShare) return Math.floor(this.start + (this.tailStart - this.start) * (u / bodyShare) ** 0.7);
    return Math.floor(this.tailStart + (this.now - 10 * MINUTE - this.tailStart) * ((u - bodyShare) / TAIL_SHARE));
  }

  build(index: number, dossierId: number): DossierRecordRow {
    const r = this.random;
    const createdMs = this.createdAt(index);
    const groups = createdMs < INTRODUCTION_OPENING ? this.autorisationGroups : this.allGroups;
    const config = groups.pick(r);
    const procedure = this.procedures.get(config)!.pick(r);
    const group: AggregatorGroup = { ...config.group };
    const isIntroduction = group.type === 'introduction';

    const t = this.timeline(createdMs);
    const applicant = this.applicant(createdMs, isIntroduction);
    const employer = this.employer(config, createdMs);
    const instructorPool = this.instructors.get(config)!;
    const followers = this.followers(t, instructorPool);
    const exchange = this.messages(dossierId, t, employer.accountEmail, followers);
    const apt = this.aptAnnotations(t, isIntroduction);
    const defect = this.defect(isIntroduction, apt);

    let lastEvent = Math.max(t.processedMs ?? t.receivedMs ?? t.initiatedMs, exchange.lastMessageMs);
    // Instructors often type the APT dates in after the decision.
    if (t.processedMs !== null && apt.debut.present && r.chance(0.3)) {
      lastEvent = Math.min(this.now, lastEvent + r.int(1, 600) * MINUTE);
    }
    const updatedMs = Math.min(this.now, lastEvent + r.int(50, 5000));
    // The ds-aggregator saves a change within the hour (hourly list sync, then the 10-minute task job).
    const lastModifiedMs = Math.min(this.now, updatedMs + r.int(20, 4200) * SECOND);
    const instructeurs = followers.map((p) => this.instructorEmail(p, updatedMs));
    const firstFollowed = t.receivedMs ?? t.initiatedMs;
    const history = this.instructorsHistory(followers, instructeurs, firstFollowed, updatedMs, instructorPool);

    const values = this.publicValues(applicant, employer, group, apt);
    if (defect === 'missingNom') values.delete('Nom');
    if (defect === 'missingBirthDate') values.delete('Date de naissance');
    if (defect === 'missingNationalite') values.delete('Nationalité');
    if (defect === 'malformedBirthDate') values.set('Date de naissance', this.malformedBirthDate(applicant.birthDate));
    const champs: Champ[] = [];
    for (const typeDeChamp of procedure.form.champs) {
      if (values.has(typeDeChamp.libelle)) {
        champs.push({ value: values.get(typeDeChamp.libelle) ?? null, type_de_champ: { ...typeDeChamp } });
      }
    }
    const champsPrivate: Champ[] = [];
    for (const typeDeChamp of procedure.form.champsPrivate) {
      const annotation =
        typeDeChamp.libelle === DEBUT_APT ? apt.debut : typeDeChamp.libelle === FIN_APT ? apt.fin : EMPTY_ANNOTATION;
      if (annotation.present) champsPrivate.push({ value: annotation.value, type_de_champ: { ...typeDeChamp } });
    }

    const { state, initiatedMs, receivedMs, processedMs } = t;
    const dsData: Record<string, unknown> = {
      id: dossierId,
      created_at: iso(createdMs),
      updated_at: iso(updatedMs),
      archived: exchange.archived,
      email: employer.accountEmail,
      state,
      simplified_state: SIMPLIFIED_STATES[state],
      initiated_at: iso(initiatedMs),
      received_at: receivedMs === null ? null : iso(receivedMs),
      processed_at: processedMs === null ? null : iso(processedMs),
      motivation: this.motivation(state),
      instructeurs,
      individual: null,
      entreprise: this.entreprise(employer),
      etablissement: defect === 'nullEtablissement' ? null : this.etablissement(employer),
      cerfa: [],
      commentaires: exchange.messages,
      champs_private: champsPrivate,
      pieces_justificatives: [],
      types_de_piece_justificative: [],
      champs,
    };
    const metadata: DossierMetadata = {
      state,
      procedure_id: procedure.id,
      group,
      created_at: createdMs,
      initiated_at: initiatedMs,
      updated_at: updatedMs,
      received_at: receivedMs,
      processed_at: processedMs,
      instructors_history: history,
    };
    return {
      ds_key: `${procedure.id}-${dossierId}`,
      ds_data: dsData,
      metadata,
      procedure_id: procedure.id,
      created_at: new Date(createdMs),
      // The ds-aggregator stores DS's null as the epoch rather than SQL NULL (decision-date-placeholder-ignored).
      processed_at: new Date(processedMs ?? 0),
      last_modified: new Date(lastModifiedMs),
      state,
    };
  }

  /** Submission, instruction and decision, cut short by `now` (or on purpose) for the pending dossiers. */
  private timeline(createdMs: number): Timeline {
    const r = this.random;
    const latest = this.now - MINUTE;
    const outcome = OUTCOMES.pick(r);
    let initiatedMs = createdMs + this.draftDuration();
    // DS never lists drafts, so every dossier has been submitted by now.
    if (initiatedMs > latest) initiatedMs = r.int(createdMs, latest);
    const receivedMs = initiatedMs + this.waitBeforeInstruction();
    const processedMs = receivedMs + this.instructionDuration();
    if (outcome === 'stuckInitiated' || receivedMs > latest) {
      return { createdMs, initiatedMs, receivedMs: null, processedMs: null, state: 'initiated' };
    }
    if (outcome === 'stuckReceived' || processedMs > latest) {
      return { createdMs, initiatedMs, receivedMs, processedMs: null, state: 'received' };
    }
    return { createdMs, initiatedMs, receivedMs, processedMs, state: outcome };
  }

  private followers(t: Timeline, pool: Person[]): Person[] {
    const r = this.random;
    if (t.receivedMs === null && !r.chance(0.1)) return [];
    const followers = [r.pick(pool)];
    if (t.processedMs !== null && r.chance(0.3)) {
      const second = r.pick(pool);
      if (second !== followers[0]) followers.push(second);
    }
    return followers;
  }

  /** DS notifications, questions and answers during instruction, and sometimes a message after the decision. */
  private messages(dossierId: number, t: Timeline, applicantEmail: string, followers: Person[]): Exchange {
    const r = this.random;
    const now = this.now;
    const messages: Message[] = [];
    let lastMessageMs = 0;
    const say = (email: string, body: string, at: number, attachment: string | null = null) => {
      messages.push({ email, body, created_at: iso(at), attachment });
      lastMessageMs = at;
    };
    const notify = (at: number, subject: string) =>
      say(DS_CONTACT, `[Votre dossier WorkInFrance nº ${dossierId} ${subject}]<br><br><div>Bonjour,</div>`, at);
    const { initiatedMs, receivedMs, processedMs } = t;

    notify(initiatedMs + r.int(1, 4) * SECOND, 'a bien été reçu');
    const waitingEnd = receivedMs ?? now;
    if (r.chance(0.08) && waitingEnd - initiatedMs > 2 * HOUR) {
      say(applicantEmail, r.pick(APPLICANT_FOLLOW_UPS), r.int(initiatedMs + HOUR, waitingEnd - MINUTE));
    }
    if (receivedMs !== null) {
      notify(receivedMs + r.int(1, 4) * SECOND, 'va être instruit');
      const end = processedMs ?? now;
      if (r.chance(0.3) && end - receivedMs > 10 * MINUTE) {
        const asked = r.int(receivedMs + MINUTE, receivedMs + Math.floor((end - receivedMs) / 2));
        say(this.instructorEmail(followers[0], asked), r.pick(INSTRUCTOR_QUESTIONS), asked);
        if (r.chance(0.8)) {
          const answered = r.int(asked + MINUTE, end - MINUTE);
          say(applicantEmail, r.pick(APPLICANT_ANSWERS), answered, r.chance(0.5) ? this.attachmentUrl() : null);
        }
      }
    }
    if (processedMs === null) return { messages, lastMessageMs, archived: false };

    notify(processedMs + r.int(1, 4) * SECOND, DECISION_SUBJECTS[t.state]);
    let archived = r.chance(now - processedMs < 7 * DAY ? 0.3 : 0.85);
    const room = now - processedMs;
    const afterDecision = room > 5 * MINUTE ? AFTER_DECISION.pick(r) : 'none';
    if (afterDecision !== 'none') {
      const written = processedMs + r.int(MINUTE, Math.min(room - 2 * MINUTE, 60 * DAY));
      say(applicantEmail, r.pick(APPLICANT_AFTER_DECISION), written);
      if (afterDecision === 'instructorAnswered') {
        const answered = r.int(written + 30 * SECOND, Math.min(now - 10 * SECOND, written + 10 * DAY));
        say(this.instructorEmail(followers[0], answered), r.pick(INSTRUCTOR_AFTER_DECISION), answered);
      }
      archived = afterDecision !== 'applicantNotArchived';
    }
    return { messages, lastMessageMs, archived };
  }

  /** APT dates of accepted autorisations (sometimes wrong on purpose), and the contract dates that go with them. */
  private aptAnnotations(t: Timeline, isIntroduction: boolean): AptAnnotations {
    const r = this.random;
    // Introductions have no APT annotations at all.
    const debut: Annotation = { present: !isIntroduction, value: '' };
    const fin: Annotation = { present: !isIntroduction, value: '' };
    let contractStart = addDays(dayOf(t.initiatedMs), r.int(5, 30));
    let contractEnd = addDays(addMonths(contractStart, r.pick([3, 6, 9, 12])), -1);
    if (!isIntroduction && t.state === 'closed' && t.processedMs !== null) {
      [debut.value, fin.value] = this.aptDates(t.processedMs);
      contractStart = debut.value;
      if (r.chance(0.7)) contractEnd = fin.value;
      const recent = this.now - t.processedMs < 3 * DAY;
      this.applyAptAnomaly((recent ? RECENT_APT_ANOMALIES : APT_ANOMALIES).pick(r), debut, fin);
    }
    return { debut, fin, contractStart, contractEnd, isIntroduction };
  }

  private defect(isIntroduction: boolean, apt: AptAnnotations): Defect | null {
    const r = this.random;
    if (!r.chance(DEFECT_SHARE)) return null;
    let defect = r.pick(DEFECTS);
    if (defect === 'garbageAptDate' && isIntroduction) defect = r.pick(DEFECTS.slice(0, -1));
    if (defect === 'garbageAptDate') {
      if (apt.fin.value && r.chance(0.5)) apt.fin.value = r.pick(GARBAGE_APT_DATES);
      else {
        apt.debut.present = true;
        apt.debut.value = r.pick(GARBAGE_APT_DATES);
      }
    }
    return defect;
  }

  private draftDuration(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.6) return r.int(5 * MINUTE, 90 * MINUTE);
    if (x < 0.9) return r.int(HOUR, 2 * DAY);
    return r.int(2 * DAY, 20 * DAY);
  }

  private waitBeforeInstruction(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.4) return r.int(HOUR, DAY);
    if (x < 0.85) return r.int(DAY, 7 * DAY);
    return r.int(7 * DAY, 30 * DAY);
  }

  private instructionDuration(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.5) return r.int(10 * MINUTE, DAY);
    if (x < 0.85) return r.int(DAY, 10 * DAY);
    return r.int(10 * DAY, 45 * DAY);
  }

  /** Start a few days after the decision, 1 to 12 months long; a few end right around today. */
  private aptDates(processedMs: number): [string, string] {
    const r = this.random;
    const start = addDays(dayOf(processedMs), r.pick([1, 1, 2, 2, 3, 4, 5, 7, 10]));
    const sinceDecision = daysBetween(dayOf(processedMs), this.today);
    if (sinceDecision > 40 && sinceDecision < 360 && r.chance(ENDS_AROUND_TODAY_SHARE)) {
      const end = addDays(this.today, r.int(-1, 1));
      if (daysBetween(start, end) >= 27 && end < addMonths(start, 12)) return [start, end];
    }
    if (r.chance(0.1)) return [start, addDays(start, r.int(30, 360))];
    return [start, addDays(addMonths(start, APT_MONTHS.pick(r)), -1)];
  }

  private applyAptAnomaly(anomaly: AptAnomaly, debut: Annotation, fin: Annotation): void {
    const r = this.random;
    const start = debut.value as string;
    switch (anomaly) {
      case 'none':
        return;
      case 'debutEmpty':
        debut.value = r.chance(0.7) ? '' : null;
        return;
      case 'debutAbsent':
        debut.present = false;
        // On some old procedures neither annotation existed.
        if (r.chance(0.5)) fin.present = false;
        return;
      case 'finEmpty':
        fin.value = r.chance(0.7) ? '' : null;
        return;
      case 'endBeforeStart':
        fin.value = addDays(start, -r.int(1, 300));
        return;
      case 'overOneYear':
        // Half of them are within 12 months and 30 days, which only the calendar-month rule catches (decision
        // apt-limit-is-twelve-calendar-months).
        fin.value = r.chance(0.5) ? addDays(addMonths(start, 12), r.int(1, 27)) : addMonths(start, r.int(13, 24));
        return;
      case 'oneYear': {
        // Exactly 12 months, the longest allowed; avoid the 29th-31st where "12 months later" is ambiguous.
        const day = Number(start.slice(8, 10));
        const first = day > 28 ? addDays(start, 32 - day).slice(0, 8) + '01' : start;
        debut.value = first;
        fin.value = addMonths(first, 12);
        return;
      }
    }
  }

  private person(pool: NamePool, woman: boolean): Person {
    const r = this.random;
    return { first: r.pick(woman ? pool.women : pool.men), last: r.pick(pool.surnames) };
  }

  private instructorEmail(p: Person, at: number): string {
    const domain = at < DREETS_RENAME ? DEMO_DIRECCTE_DOMAIN : DEMO_DREETS_DOMAIN;
    return `${slug(p.first)}.${slug(p.last)}@${domain}`;
  }

  /** Followers in order of appearance, and both addresses for those who lived through the DREETS rename. */
  private instructorsHistory(
    followers: Person[],
    instructeurs: string[],
    firstFollowed: number,
    updatedMs: number,
    pool: Person[],
  ): string[] {
    const r = this.random;
    const history: string[] = [];
    if (followers.length > 0 && r.chance(0.2)) {
      const previous = r.pick(pool);
      if (!followers.includes(previous)) history.push(this.instructorEmail(previous, firstFollowed));
    }
    if (firstFollowed < DREETS_RENAME && updatedMs >= DREETS_RENAME) {
      for (const p of followers) history.push(this.instructorEmail(p, firstFollowed));
    }
    for (const email of instructeurs) if (!history.includes(email)) history.push(email);
    return history;
  }

  private applicant(createdMs: number, isIntroduction: boolean): Applicant {
    const r = this.random;
    const country = COUNTRIES.pick(r);
    const woman = r.chance(0.5);
    const person = this.person(country.names, woman);
    // Students are mostly in their early twenties; introductions bring in older, qualified workers.
    const age = isIntroduction ? r.int(23, 40) : 17 + Math.floor(24 * r.next() ** 2);
    const birthDate = addDays(addMonths(dayOf(createdMs), -12 * age), -r.int(0, 360));
    const emailName = `${slug(person.first).replace(/-/g, '')}.${slug(person.last).replace(/-/g, '')}`;
    return {
      civilite: woman ? 'Mme' : 'M.',
      person,
      country,
      birthDate,
      birthPlace: r.pick(country.cities),
      email: `${emailName}${r.chance(0.3) ? r.int(1, 99) : ''}@${r.pick(['courriel.example.org', 'mail.example.org'])}`,
      // Numbers reserved by ARCEP for fiction.
      phone: `063998${r.digits(4)}`,
    };
  }

  /** Employers recur: most dossiers come from one already seen in the département, a few big ones most often. */
  private employer(config: ProcedureConfigRow, createdMs: number): Employer {
    const r = this.random;
    const key = groupKey(config.group);
    let pool = this.employers.get(key);
    if (!pool) {
      pool = [];
      this.employers.set(key, pool);
    }
    if (pool.length >= 8 && r.chance(0.7)) return pool[Math.floor(pool.length * r.next() ** 2)];
    const employer = this.newEmployer(config.group.id, createdMs);
    // A bounded pool keeps memory constant however many rows are generated.
    if (pool.length < 200) pool.push(employer);
    else pool[r.int(0, pool.length - 1)] = employer;
    return employer;
  }

  private newEmployer(groupId: string, createdMs: number): Employer {
    const r = this.random;
    const sector = SECTORS.pick(r);
    const raisonSociale = r.pick(sector.names).replace('{W}', r.pick(COMPANY_WORDS));
    const sirenBody = String(r.int(3, 9)) + r.digits(7);
    const siren = sirenBody + luhnDigit(sirenBody);
    const nicBody = siren + r.digits(4);
    const departement = DEPARTEMENTS[groupId] ?? DEPARTEMENTS['75'];
    const contact = this.person(FRENCH_NAMES, r.chance(0.55));
    const domain = `${slug(raisonSociale)}.test`;
    const localPart = r.pick(['rh', 'recrutement', 'contact', `${slug(contact.first)}.${slug(contact.last)}`]);
    const createdYear = Math.min(new Date(createdMs).getUTCFullYear() - 1, r.int(1985, 2023));
    return {
      raisonSociale,
      siren,
      siret: nicBody + luhnDigit(nicBody),
      sector,
      legalForm: LEGAL_FORMS.pick(r),
      capital: r.pick([1000, 5000, 7500, 10000, 37000, 100000]),
      workforce: WORKFORCE_CODES.pick(r),
      createdOn: `${createdYear}-${String(r.int(1, 12)).padStart(2, '0')}-01`,
      headOffice: r.chance(0.8),
      city: r.pick(departement.cities),
      streetNumber: r.int(1, 180),
      street: r.pick(STREETS),
      contact,
      accountEmail: `${localPart}@${domain}`,
      phone: `0199${r.digits(6)}`,
    };
  }

  private publicValues(
    a: Applicant,
    e: Employer,
    group: AggregatorGroup,
    apt: AptAnnotations,
  ): Map<string, string | null> {
    const r = this.random;
    const { isIntroduction, contractStart, contractEnd } = apt;
    const aptFin = apt.fin.value;
    const departement = DEPARTEMENTS[group.id] ?? DEPARTEMENTS['75'];
    const job = this.job(e.sector, isIntroduction);
    const jobLabel = job.labels[a.civilite === 'Mme' ? 1 : 0];
    let contract: string;
    let hours: string;
    let salary: string;
    if (job.kind === 'introduction') {
      contract = r.chance(0.7) ? 'contrat à durée indéterminée (CDI)' : 'contrat à durée déterminée (CDD)';
      hours = r.chance(0.8) ? '35 heures/semaine' : '39 heures/semaine';
      salary = `${r.int(30, 65) * 1000} euros/an`;
    } else if (job.kind === 'alternance') {
      contract = r.chance(0.65) ? "contrat d'apprentissage" : 'contrat de professionnalisation';
      hours = '35 heures/semaine';
      salary = `${r.int(850, 1500)} euros/mois`;
    } else {
      contract = r.chance(0.65) ? 'contrat à durée déterminée (CDD)' : 'contrat à durée indéterminée (CDI)';
      const [label, weekly] = STUDENT_HOURS.pick(r);
      hours = label;
      salary = `${Math.round(weekly * 4.33 * r.between(11, 13.5))} euros/mois`;
    }
    const residence = r.pick(departement.cities);
    const renewal = !isIntroduction && r.chance(0.2);
    const permitEnd = aptFin && /^\d{4}-\d{2}-\d{2}$/.test(aptFin) ? aptFin : contractEnd;
    const [streetType, streetName] = e.street;
    return new Map<string, string | null>([
      ['Salarié', null],
      ['Commune de résidence en France', isIntroduction ? '' : residence.name],
      ['Code postal de résidence en France', isIntroduction ? '' : residence.postalCode],
      ['Civilité', a.civilite],
      ['Nom', a.person.last],
      ['Prénom', a.person.first],
      ['Nationalité', a.country.name],
      ['Date de naissance', a.birthDate],
      ['Lieu de naissance', a.birthPlace],
      ['E-mail', a.email],
      ['Téléphone', a.phone],
      ['Demande', renewal ? 'Renouvellement' : 'Première demande'],
      ['Référence de l’ancienne autorisation de travail', renewal ? String(r.int(200000, 299999)) : ''],
      ['Document autorisant le séjour en France', null],
      ['Numéro', isIntroduction ? '' : r.digits(10)],
      ['Date d’expiration', isIntroduction ? '' : addDays(permitEnd, r.int(0, 240))],
      ['Département qui figure sur le titre de séjour', isIntroduction ? '' : group.label],
      ['Délivré par', isIntroduction ? '' : departement.prefecture],
      ['Employeur', null],
      ["Nom de l'employeur", e.contact.last],
      ["Prénom de l'employeur", e.contact.first],
      ["E-mail de l'employeur", e.accountEmail],
      ["Téléphone de l'employeur", e.phone],
      ['Informations sur le contrat', null],
      ['Emploi occupé', jobLabel],
      [
        "Adresse ou l'étudiant va travailler",
        `${e.streetNumber} ${streetType} ${streetName}\r\n${e.city.postalCode} ${e.city.name}`,
      ],
      ['Type de contrat', contract],
      ['Date de début', contractStart],
      ['Date de fin', contract.includes('CDI') ? '' : contractEnd],
      ["Nombre d'heures", hours],
      ['Salaire brut', salary],
    ]);
  }

  private job(sector: Sector, isIntroduction: boolean): Job {
    const r = this.random;
    const wanted = sector.jobs.filter((j) => (j.kind === 'introduction') === isIntroduction);
    if (wanted.length > 0) return r.pick(wanted);
    // Introductions from sectors that do not recruit abroad still need a plausible job.
    return isIntroduction ? { labels: ['Cuisinier', 'Cuisinière'], kind: 'introduction' } : r.pick(sector.jobs);
  }

  private malformedBirthDate(birthDate: string): string {
    const r = this.random;
    const year = birthDate.slice(0, 4);
    switch (r.int(0, 2)) {
      case 0:
        return `31/02/${year}`;
      case 1:
        return `${year}-02-30`;
      default:
        return `${birthDate.slice(8, 10)}/${birthDate.slice(5, 7)}/${year}`;
    }
  }

  private motivation(state: string): string | null {
    const r = this.random;
    if (state === 'refused') return r.pick(REFUSAL_MOTIVATIONS);
    if (state === 'without_continuation') return r.pick(WITHOUT_CONTINUATION_MOTIVATIONS);
    return null;
  }

  private attachmentUrl(): string {
    return `https://static.demarches-simplifiees.fr/${this.random.digits(12)}/${this.random.pick(ATTACHMENTS)}`;
  }

  /** A shortened DS `entreprise`: the keys nobody reads are left out to keep rows small. */
  private entreprise(e: Employer): Record<string, unknown> {
    const month = Number(e.createdOn.slice(5, 7));
    return {
      siren: e.siren,
      capital_social: e.legalForm[1] === '1000' ? null : e.capital,
      forme_juridique: e.legalForm[0],
      raison_sociale: e.raisonSociale,
      siret_siege_social: e.headOffice ? e.siret : `${e.siren}00011`,
      code_effectif_entreprise: e.workforce,
      date_creation: `${e.createdOn}T00:00:00.000${month >= 4 && month <= 10 ? '+02:00' : '+01:00'}`,
    };
  }

  private etablissement(e: Employer): Record<string, unknown> {
    const [streetType, streetName] = e.street;
    const typeVoie = upperAscii(streetType);
    const nomVoie = upperAscii(streetName);
    return {
      siret: e.siret,
      siege_social: e.headOffice,
      naf: e.sector.naf,
      libelle_naf: e.sector.libelleNaf,
      adresse: `${e.raisonSociale}\r\n${e.streetNumber} ${typeVoie} ${nomVoie}\r\n${e.city.postalCode} ${e.city.localite}\r\nFRANCE`,
      numero_voie: String(e.streetNumber),
      type_voie: typeVoie,
      nom_voie: nomVoie,
      complement_adresse: null,
      code_postal: e.city.postalCode,
      localite: e.city.localite,
      code_insee_localite: e.city.insee,
    };
  }
}

const SIMPLIFIED_STATES: Record<string, string> = {
  initiated: 'En construction',
  received: 'En instruction',
  closed: 'Accepté',
  refused: 'Refusé',
  without_continuation: 'Sans suite',
};

/**
 * Yields `count` dossier records in increasing dossier-number (and creation) order. The same `seed`, `now` and
 * `count` always give the same rows; nothing is held in memory beyond a few bounded pools.
 */
export function* generateDossierRecords(options: DemoDatasetOptions): Generator<DossierRecordRow> {
  const { count, now } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (Number.isNaN(now.getTime())) throw new Error('now must be a valid date');
  const random = new Random(options.seed ?? DEMO_SEED);
  const factory = new DossierFactory(random, now.getTime(), count);
  let dossierId = FIRST_DOSSIER_ID;
  for (let i = 0; i < count; i++) {
    // Gaps: DS numbers dossiers across all its procedures, and drafts never reach the aggregator.
    dossierId += 1 + (random.chance(0.3) ? random.int(1, 40) : 0);
    yield factory.build(i, dossierId);
  }
}
