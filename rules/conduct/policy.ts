/**
 * Prohibited-conduct policy (rules.md R17–R19, and the R10–R12 building obligations as inspection
 * checklists): the forbidden certificate words, the advertising promises, the relations that make an
 * evaluation institution and a training institution "the same" for R18(g), and how text is
 * normalised before it is searched, as data. A ministry's change of policy is a change here, not in
 * the functions that read it (rules/conduct/*.ts).
 *
 * Pure data (plus the input error the conduct functions throw): no I/O, no clock.
 */
import type { Kind } from '../kinds.js';

// ---------------------------------------------------------------------------------------------
// R19 certificate wording
// ---------------------------------------------------------------------------------------------

/**
 * R19 证书上不得使用…等字样: the words, in simplified characters, as the measures list them. Variants
 * (full-width and compatibility forms, separators between characters, traditional and Japanese
 * forms) are caught by the normalisation below, not by listing them here.
 */
export const FORBIDDEN_CERTIFICATE_WORDS = [
  '中华人民共和国',
  '中国',
  '中华',
  '国家',
  '全国',
  '人力资源社会保障部',
  '职业资格',
  '人员资格',
  '岗位',
  '专业技术职务',
] as const;
export type ForbiddenCertificateWord = (typeof FORBIDDEN_CERTIFICATE_WORDS)[number];

// ---------------------------------------------------------------------------------------------
// R17(e) / R18(e) advertising
// ---------------------------------------------------------------------------------------------

/** The R17(e) promises, by kind of promise ("包过、不过退费、包职称、包就业、包年薪") plus 培训贷. */
export const ADVERTISING_CATEGORIES = [
  'guaranteedPass',
  'refundIfFailed',
  'guaranteedTitle',
  'guaranteedJob',
  'guaranteedSalary',
  'trainingLoan',
] as const;
export type AdvertisingCategory = (typeof ADVERTISING_CATEGORIES)[number];

/** The clause an advertising hit breaks: R17(e) for a training institution, R18(e) for an evaluation one. */
export type AdvertisingClause = 'R17(e)' | 'R18(e)';

/**
 * One advertised promise. `phrase` is its canonical wording (simplified, as reported in a hit).
 * Without `pattern` the phrase itself is searched for; with one, `pattern` (a JavaScript regular
 * expression source, matched against the normalised text: simplified, lower case, no whitespace or
 * separators) is searched for instead and every match is reported under `phrase`.
 */
export interface AdvertisingPhrase {
  phrase: string;
  pattern?: string;
  /** Why the pattern looks the way it does (the near-misses it avoids). */
  note?: string;
}

export interface AdvertisingCategoryPolicy {
  /** What the promise is, in English. */
  description: string;
  /** The clause broken, per kind of institution. */
  clause: Record<Kind, AdvertisingClause>;
  phrases: readonly AdvertisingPhrase[];
}

/** Punctuation that ends a clause: a promise's parts are looked for within one clause only. */
const IN_CLAUSE = '[^。；;！!？?\\n]';

/** A refund of the fees (退费, 全额退款, 退还全部学费, 包退). */
const REFUND = '(?:包退|(?:全额|全部)?退(?:还)?(?:全额|全部)?(?:学?费|款|钱))';
/** Obtaining a title (评上, 拿到…) and the title itself (高级职称…). */
const TITLE_VERB = '(?:评|拿|取|获|得|过|上)(?:得|上|到)?';
const TITLE = '(?:初级|中级|副高级|正高级|高级)?职称';

/** After 通过: the institution passing a check or an acceptance, not a candidate passing the exam. */
const NOT_PROCEDURE = '(?!验收|审核|审查|评审|测评|等保|等级保护|认证|检查|检测|备案)';

/** The clauses, per kind. Decision: for an evaluation institution every promise is false advertising (R18(e)). */
const CLAUSES = { training: 'R17(e)', evaluation: 'R18(e)' } as const satisfies Record<Kind, AdvertisingClause>;

export const advertisingPolicy = {
  /**
   * R17(e) 不得发布虚假广告、发放"培训贷"、夸大培训效果（如包过、不过退费、包职称、包就业、包年薪等）;
   * R18(e) 不得发布虚假广告.
   *
   * Decisions:
   * - An evaluation institution that promises any of these is advertising falsely (R18(e)); the
   *   measures name the promises under R17 only, but an assessment body cannot honestly promise a
   *   pass, a title, a job or a salary either, and one offering loans is selling training (R18(g)).
   * - A bare 退费 / 退款 is not a hit: R12 obliges every institution to publish its refund procedure
   *   (明确退费流程). Only a refund tied to failing (不过退费, 未通过全额退款…) is.
   * - A bare 职称 is not a hit: R10 asks for faculty with an intermediate title (中级职称). Only a
   *   promise of a title (包职称, 保证评上高级职称…) is.
   * - These are flags for a reviewer, not findings: the patterns are heuristics over unsegmented
   *   Chinese, and each `note` records the near-misses a pattern is built to avoid.
   */
  categories: {
    guaranteedPass: {
      description: 'guaranteed pass (包过)',
      clause: CLAUSES,
      phrases: [
        {
          phrase: '包过',
          pattern: '(?<![打封分压解拆装承背钱书红]|数据)包过(?![滤程大小多长快慢去来])',
          note: 'not 打包过程 (packaging process), 数据包过滤 / 包过滤 (packet filtering), 数据包过大 (packet too large), 承包过 (contracted)',
        },
        {
          phrase: '保过',
          pattern: '(?<![确担环])保过(?![程期滤去来])',
          note: 'not 确保过程 (ensure the process), 担保过 (have guaranteed), 环保过关 (environmental check)',
        },
        { phrase: '包通过' },
        {
          phrase: '保证通过',
          pattern: `(?:保证|确保)(?:一次性?)?通过${NOT_PROCEDURE}`,
          note: 'not 确保通过等级保护测评 / 确保通过验收 (the institution passing a check, R11)',
        },
        { phrase: '一次通过', pattern: `一次性?通过${NOT_PROCEDURE}` },
        { phrase: '100%通过' },
        { phrase: '通过率100%' },
        { phrase: '包拿证', pattern: '(?:包|保证|确保)(?:拿|取|领)证' },
      ],
    },
    refundIfFailed: {
      description: 'refund if you fail (不过退费)',
      clause: CLAUSES,
      phrases: [
        {
          phrase: '不过退费',
          pattern:
            `(?:(?:不|未|没有?)能?(?:通过|考过|及格|合格|过关|拿证)|考不过|过不了)${IN_CLAUSE}{0,8}?${REFUND}` +
            `|不过(?:全额|全部)?${REFUND}`,
          note:
            'a refund tied to failing, within one clause: 不过退费, 不通过全额退款, 考试未通过，退还全部学费; ' +
            'a bare 不过 only right before the refund (not 不过，退费需在开课前申请, "however, ..."); not a bare 退费 (R12)',
        },
      ],
    },
    guaranteedTitle: {
      description: 'guaranteed title (包职称)',
      clause: CLAUSES,
      phrases: [
        {
          phrase: '包职称',
          pattern: `包(?:${TITLE_VERB})?${TITLE}|(?:保证|确保|保)${TITLE_VERB}${TITLE}`,
          note: 'a promise right before 职称; not 具有中级职称的师资 (R10), not 确保中级职称教师占比 (no verb), not 保证师资具有中级职称',
        },
        { phrase: '职称包过', pattern: '职称(?:包过|保过|包评|包拿|保证通过)' },
      ],
    },
    guaranteedJob: {
      description: 'guaranteed job (包就业)',
      clause: CLAUSES,
      phrases: [
        { phrase: '包就业' },
        { phrase: '保就业', pattern: '(?<![稳促]就业、?)保就业', note: 'not the policy slogan 稳就业、保就业 / 促就业保就业' },
        { phrase: '保证就业' },
        { phrase: '100%就业' },
        { phrase: '包分配' },
        { phrase: '包工作' },
        { phrase: '包上岗' },
        {
          phrase: '推荐工作',
          pattern: '(?<![的好展责与和及])推荐工作(?![的中方流程机制要人])',
          note: 'not 做好推荐工作 / 行业主管部门的推荐工作 (the R7.2 recommendation, 推荐, is itself work)',
        },
        { phrase: '推荐就业' },
        {
          phrase: '安排工作',
          pattern: '安排工作(?![人日计方时任])',
          note: 'not 安排工作人员 (assign staff), 安排工作日 / 工作计划 / 工作任务',
        },
        { phrase: '安排就业' },
      ],
    },
    guaranteedSalary: {
      description: 'guaranteed salary (包年薪)',
      clause: CLAUSES,
      phrases: [
        { phrase: '包年薪' },
        { phrase: '包月薪' },
        { phrase: '包高薪' },
        { phrase: '高薪' },
        { phrase: '保证月薪' },
        { phrase: '保证年薪' },
        { phrase: '薪资保障' },
        { phrase: '保底薪资' },
        {
          phrase: '月薪过万',
          pattern: '[月年]薪(?:过|破|超过?|达)?(?:[0-9一二两三四五六七八九十百千]+(?:万|千|k)|[0-9]{4,}元?|万)',
          note: 'a salary figure (月薪过万, 月薪2万起, 年薪30万, 月薪8000元): the figure is the promise',
        },
      ],
    },
    trainingLoan: {
      description: 'training loan (培训贷)',
      clause: CLAUSES,
      phrases: [
        { phrase: '培训贷' },
        { phrase: '学费贷' },
        { phrase: '助学贷' },
        { phrase: '教育贷' },
        { phrase: '分期贷款' },
        { phrase: '贷款培训' },
        { phrase: '贷款学习' },
        { phrase: '零首付' },
        { phrase: '0首付' },
        { phrase: '先学后付' },
        { phrase: '先就业后付款' },
      ],
    },
  } satisfies Record<AdvertisingCategory, AdvertisingCategoryPolicy>,
} as const;

// ---------------------------------------------------------------------------------------------
// R18(g) related organisations
// ---------------------------------------------------------------------------------------------

/** R18(g) 本机构及下属、分支机构以及技术支持单位: subsidiary (下属), branch (分支机构), technical support unit (技术支持单位). */
export const RELATION_TYPES = ['subsidiary', 'branch', 'technicalSupport'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

/** A listing's public status (machines/listing.case.ts), as the conduct rules read it. */
export const LISTING_STATUSES = ['valid', 'lapsing', 'expired', 'removed', 'withdrawn'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export const relationPolicy = {
  /**
   * R18(g) 本机构及下属、分支机构以及技术支持单位不得参与开展本职业培训活动. R18 Decision: an
   * evaluation listing and a training listing for the same occupation held by related organisations
   * is a conflict to flag.
   */
  rule: 'R18(g)',
  types: RELATION_TYPES,
  /**
   * Decisions:
   * - A relation links two institutions both ways (a subsidiary's parent is as related as the
   *   subsidiary), and relations chain: two units under one parent are related through it.
   * - A chain counts up to `maxDepth` relations: 2 reaches the institution's subsidiaries'
   *   branches and its sister units under one parent, not further. 0 would flag only an
   *   institution holding both listings itself.
   * - One institution holding both listings is a conflict too (its path is that institution alone).
   */
  maxDepth: 2,
  /** Only listings in force count: valid, or lapsing (deemed abandoned but not yet expired, R9.2). */
  activeStatuses: ['valid', 'lapsing'] as const satisfies readonly ListingStatus[],
} as const;

// ---------------------------------------------------------------------------------------------
// R17(a) sites
// ---------------------------------------------------------------------------------------------

export const sitePolicy = {
  /**
   * R17(a) 不得以"合作""联合""联盟"等名义跨地区（省）开展培训. Decision: a training site in another
   * province than the institution's is flagged, whatever name the arrangement has; the reviewer
   * decides whether it is an allowed arrangement. Provinces are GB/T 2260 two-digit codes.
   */
  rule: 'R17(a)',
  provinceCodePattern: '^[0-9]{2}$',
} as const;

// ---------------------------------------------------------------------------------------------
// Text normalisation (R19 and R17(e) / R18(e) searches)
// ---------------------------------------------------------------------------------------------

export const normalisationPolicy = {
  /**
   * Before searching, every character of the text is
   * 1. normalised by Unicode NFKC (full-width ＡＢＣ and １２３, the ideographic space, circled ㊥,
   *    Kangxi radicals ⼈, CJK compatibility ideographs),
   * 2. dropped when it is whitespace, invisible (format characters such as the zero-width space,
   *    joiner and non-joiner, the word joiner, the BOM, the soft hyphen; variation selectors;
   *    control characters) or a combining mark, or one of `separators`,
   * 3. converted from traditional (and Japanese) forms to simplified with OpenCC (opencc-js), one
   *    character at a time, then by `extraVariants`,
   * 4. lower-cased.
   *
   * Decision: characters are compared without word segmentation, so a word spread over two words
   * is a hit (华中 国际 → 中国): the reviewer dismisses such a hit. Clause punctuation (，、。) is not a
   * separator, which limits these.
   */
  separators: ['·', '・', '•', '‧', '∙', '⋅', '-', '‐', '‑', '‒', '–', '—', '―', '−', '_', '.', '*', '~', '〜', '|', '/', '\\'],
  /** Variants OpenCC leaves alone (囯, 圀, 囶 and 囻 are variant forms of 国). */
  extraVariants: { 囯: '国', 圀: '国', 囶: '国', 囻: '国' } as Readonly<Record<string, string>>,
} as const;

// ---------------------------------------------------------------------------------------------
// R10–R12 inspection checklists
// ---------------------------------------------------------------------------------------------

/** One item an inspector or reviewer checks: `id` is `<rule>.<name>`, stable across versions. */
export interface ChecklistItem {
  id: string;
  rule: 'R10' | 'R11' | 'R12';
  /** What to check, in English. */
  text: string;
  /** The measures' words (Art. 10–12), for the UI. */
  zh: string;
}

/** R10 training institutions' building obligations (第十条). */
const R10_ITEMS = [
  {
    id: 'R10.faculty',
    rule: 'R10',
    text: 'Faculty hold an intermediate or higher professional technical level or title in the occupation; a "dual-qualified" faculty of full- and part-time teachers',
    zh: '培训师资一般应具有相关职业（专业）中级及以上专业技术等级或职称（职业资格）；“双师型”专兼职师资队伍',
  },
  {
    id: 'R10.curricula',
    rule: 'R10',
    text: 'A curriculum fit for the region and industry, the new-occupation training materials, courses and courseware kept up to date',
    zh: '构建课程体系，选用新职业培训教程，加快课程、课件等教学资源开发和更新',
  },
  {
    id: 'R10.premises',
    rule: 'R10',
    text: 'Teaching premises, practical training platform or base, software, hardware and monitoring equipment; online learning supervised by technical means',
    zh: '教学场所、实训平台或实践基地，软硬件基础设施和教学、监控设备；规范监管线上学习行为',
  },
  {
    id: 'R10.trainingPlans',
    rule: 'R10',
    text: "Training plans, with the level assessment's entry conditions stated in the training notice",
    zh: '科学制定培训方案和计划；培训通知中应明确相关职业的专业技术等级考核申报条件',
  },
  {
    id: 'R10.attendance',
    rule: 'R10',
    text: 'Trainee attendance is recorded and managed',
    zh: '加强学员考勤管理',
  },
  {
    id: 'R10.completionTests',
    rule: 'R10',
    text: 'Completion tests (结业考核) are held as the rules require',
    zh: '规范组织培训结业考核',
  },
  {
    id: 'R10.managementSystems',
    rule: 'R10',
    text: 'A team led by the institution\'s leadership; training management, quality, certificate and financial management systems',
    zh: '成立工作团队；建立培训管理、培训质量考核、培训证书管理、财务管理等制度',
  },
  {
    id: 'R10.traineeRecords',
    rule: 'R10',
    text: 'Trainee files are kept and the related materials stored safely',
    zh: '建立学员培训档案，妥善保管相关资料',
  },
] as const satisfies readonly ChecklistItem[];

/** R11 evaluation institutions' building obligations (第十一条). */
const R11_ITEMS = [
  {
    id: 'R11.assessmentSites',
    rule: 'R11',
    text: 'Assessment sites reported to local HR; protection against fire, theft, power loss and leaks; monitoring throughout',
    zh: '考核站点反馈属地人力资源社会保障部门；防火、防盗、防断电、防失泄密、全程监控',
  },
  {
    id: 'R11.itemBank',
    rule: 'R11',
    text: 'Secure item writing, review and paper handling with named persons responsible; the item bank maintained',
    zh: '规范命题、审题、审定试卷流程，明确各环节安全管理责任人，严防失泄密；加强题库建设与更新',
  },
  {
    id: 'R11.examProcess',
    rule: 'R11',
    text: "Strict exam process: candidates' eligibility checked, invigilators assigned, evaluators and quality supervisors on site throughout",
    zh: '从严组织报考人员资格审核；按规定配备监考人员；考评员、质量督导员全过程管理和检查',
  },
  {
    id: 'R11.informationPlatform',
    rule: 'R11',
    text: "An information platform for exams, candidates, results and certificates, linked to the platform's certificate system",
    zh: '建设信息管理平台，与工程服务平台专业技术等级证书管理系统实现技术对接',
  },
  {
    id: 'R11.securityProtection',
    rule: 'R11',
    text: 'The platform has level-3 (or higher) classified information security protection; data and personal information secure',
    zh: '平台一般应实施第三级及以上信息安全等级保护',
  },
  {
    id: 'R11.certificateData',
    rule: 'R11',
    text: 'Certificate data are checked before they are reported',
    zh: '建立证书数据审核报送机制，保证数据真实有效',
  },
  {
    id: 'R11.emergencyPlans',
    rule: 'R11',
    text: 'Exam emergency plans and risk controls',
    zh: '制定考务应急预案，制定考核安全风险防控措施',
  },
  {
    id: 'R11.incidents',
    rule: 'R11',
    text: 'Incidents (breaches of exam discipline, leaks) are handled at once by the plan, recorded, and reported to local HR, the industry department and the national group',
    zh: '出现违反考场纪律或失泄密的情形时立即处理，做好记录存档，并及时报告属地人力资源社会保障部门、行业主管（业务指导）部门和工程指导协调小组',
  },
] as const satisfies readonly ChecklistItem[];

/** R12 fees (第十二条), for both kinds. */
const R12_ITEMS = [
  {
    id: 'R12.fees',
    rule: 'R12',
    text: 'Fees are published',
    zh: '确定收费标准，主动向社会公开',
  },
  {
    id: 'R12.makeUpFees',
    rule: 'R12',
    text: 'Fees for make-up training and make-up assessments are published',
    zh: '补学、补考费用标准，主动向社会公开',
  },
  {
    id: 'R12.refundProcedure',
    rule: 'R12',
    text: 'The refund procedure is published',
    zh: '明确退费流程，主动向社会公开',
  },
] as const satisfies readonly ChecklistItem[];

/** R10–R12 as checklists for review and inspection (R16 random inspections), per kind. */
export const inspectionChecklists = {
  training: [...R10_ITEMS, ...R12_ITEMS],
  evaluation: [...R11_ITEMS, ...R12_ITEMS],
} as const satisfies Record<Kind, readonly ChecklistItem[]>;

export const conductPolicy = {
  certificate: {
    rule: 'R19',
    words: FORBIDDEN_CERTIFICATE_WORDS,
    /** R19 不得使用国徽、政府部门徽标等标识或图案: images cannot be read here; each one goes to a person. */
    imageReason: 'needs manual check for emblems (R19)',
    /**
     * Decision on overlaps: at each position only the longest word is reported, and a word lying
     * wholly inside a reported one is not (中华人民共和国, not also 中华). Words that only overlap
     * (全国家 → 全国 and 国家) are both reported.
     */
    overlaps: 'longestAtPosition',
  },
  advertising: advertisingPolicy,
  relations: relationPolicy,
  sites: sitePolicy,
  normalisation: normalisationPolicy,
  inspectionChecklists,
} as const;

export type ConductPolicy = typeof conductPolicy;

/**
 * Thrown for invalid input to the conduct functions (an unknown relation type or kind, a province
 * code that is not two digits...), as opposed to conduct the rules flag. `field` names the offending
 * input (a JSON pointer such as `/relations/2/type`), so the API can map it to a 400.
 */
export class ConductInputError extends Error {
  override readonly name = 'ConductInputError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
