import { describe, it, expect } from 'vitest';
import { Value } from 'typebox/value';
import {
  ADVERTISING_CATEGORIES,
  ConductInputError,
  ConductListingSchema,
  FORBIDDEN_CERTIFICATE_WORDS,
  InstitutionRelationSchema,
  TrainingSiteSchema,
  advertisingPolicy,
  checkAdvertising,
  checkCertificateWording,
  crossProvinceSites,
  inspectionChecklist,
  inspectionChecklists,
  normalizeText,
  relationPolicy,
  sameOccupationConflicts,
  type AdvertisingCategory,
  type ConductListing,
  type InstitutionRelation,
  type TrainingSite,
} from '../../rules/conduct/index.js';

/** The field named by the ConductInputError that `fn` throws (fails the test if it throws anything else). */
function inputErrorField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConductInputError) return error.field;
    throw error;
  }
  return undefined;
}

/** The forbidden words found in `text`, in order. */
const words = (text: string) => checkCertificateWording(text).hits.map((hit) => hit.word);

/** Every hit's span, checked against the original text: slice(start, end) === matched. */
function expectSpansHold(text: string, hits: readonly { start: number; end: number; matched: string }[]) {
  for (const hit of hits) {
    expect(hit.start).toBeGreaterThanOrEqual(0);
    expect(hit.end).toBeGreaterThan(hit.start);
    expect(hit.end).toBeLessThanOrEqual(text.length);
    expect(text.slice(hit.start, hit.end)).toBe(hit.matched);
  }
}

// ---------------------------------------------------------------------------------------------
// Normalisation shared by R19 and R17(e) / R18(e)
// ---------------------------------------------------------------------------------------------

describe('R19 / R17(e) text normalisation', () => {
  it('R19 full-width ＣＨＩＮＡ and １２３ become ascii, lower case', () => {
    expect(normalizeText('ＣＨＩＮＡ１２３').text).toBe('china123');
  });

  it('R19 drops spaces, the full-width space, zero-width characters and separators', () => {
    expect(normalizeText('中 \u3000\u200b\u200c\u200d\u2060\ufeff\u00ad·・-_.—国').text).toBe('中国');
  });

  it('R19 converts traditional and Japanese forms to simplified', () => {
    expect(normalizeText('中華人民共和國 職業資格 崗位 専業').text).toBe('中华人民共和国职业资格岗位专业');
  });

  it('R19 maps every normalised unit back to its original character', () => {
    const normalized = normalizeText('a　中-國');
    expect(normalized.text).toBe('a中国');
    expect(normalized.starts).toEqual([0, 2, 4]);
    expect(normalized.ends).toEqual([1, 3, 5]);
  });

  it('R19 a character that expands (㍿ → 株式会社) maps every unit to the one original character', () => {
    const normalized = normalizeText('x㍿');
    expect(normalized.text).toBe('x株式会社');
    expect(normalized.starts).toEqual([0, 1, 1, 1, 1]);
    expect(normalized.ends).toEqual([1, 2, 2, 2, 2]);
  });
});

// ---------------------------------------------------------------------------------------------
// R19 certificate wording
// ---------------------------------------------------------------------------------------------

describe('R19 certificate wording: the listed words', () => {
  it.each(FORBIDDEN_CERTIFICATE_WORDS.map((word) => [word]))('R19 flags %s', (word) => {
    const text = `本证书${word}有效`;
    const { hits } = checkCertificateWording(text);
    expect(hits).toEqual([{ word, rule: 'R19', start: 3, end: 3 + word.length, matched: word }]);
  });

  it('R19 a certificate with none of the words has no hits and no manual checks', () => {
    expect(checkCertificateWording('数字技术工程师培训合格证书 人工智能工程技术人员 初级 某某培训中心')).toEqual({ hits: [], manualChecks: [] });
  });

  it('R19 the empty text has no hits', () => {
    expect(checkCertificateWording('')).toEqual({ hits: [], manualChecks: [] });
  });

  it('R19 reports every occurrence, in order of position', () => {
    const text = '国家……国家';
    expect(checkCertificateWording(text).hits.map((h) => [h.word, h.start, h.end])).toEqual([
      ['国家', 0, 2],
      ['国家', 4, 6],
    ]);
  });

  it('R19 reports several different words in one text', () => {
    expect(words('中华人民共和国人力资源社会保障部 全国 岗位 专业技术职务')).toEqual([
      '中华人民共和国',
      '人力资源社会保障部',
      '全国',
      '岗位',
      '专业技术职务',
    ]);
  });
});

describe('R19 certificate wording: proper nouns and near-misses', () => {
  it('R19 中国 inside a longer proper noun (中国银行) is still a hit', () => {
    expect(checkCertificateWording('中国银行股份有限公司').hits).toEqual([{ word: '中国', rule: 'R19', start: 0, end: 2, matched: '中国' }]);
  });

  it('R19 中国 inside 中国科学院 is still a hit', () => {
    expect(words('中国科学院计算技术研究所')).toEqual(['中国']);
  });

  it('R19 国际, 家庭, 中心 and 全部 share a character but are not hits', () => {
    expect(checkCertificateWording('国际 家庭 中心 全部').hits).toEqual([]);
  });

  it('R19 other words sharing characters are not hits: 中级, 华为, 国外, 家园, 资格证书, 职业技能, 人员, 岗前', () => {
    expect(words('中级 华为 国外 家园 资格证书 职业技能 人员 岗前 人力 技术 职务')).toEqual([]);
  });

  it('R19 one character of a word alone is not a hit: 中, 国, 华, 岗', () => {
    expect(words('中，国，华，岗')).toEqual([]);
  });

  it('R19 clause punctuation between the characters is not a separator: 中，国 is not a hit', () => {
    expect(words('华中，国际')).toEqual([]);
  });

  it('R19 Decision: no word segmentation, so a word across two words is a hit (华中 国际 → 中国, for the reviewer)', () => {
    expect(checkCertificateWording('华中 国际').hits).toEqual([{ word: '中国', rule: 'R19', start: 1, end: 4, matched: '中 国' }]);
  });

  it('R19 English words are not listed: ＣＨＩＮＡ and National are not hits', () => {
    expect(words('ＣＨＩＮＡ National Certificate')).toEqual([]);
  });
});

describe('R19 certificate wording: disguised variants', () => {
  it('R19 国 家 split by a space is a hit, matched with the space', () => {
    expect(checkCertificateWording('国 家').hits).toEqual([{ word: '国家', rule: 'R19', start: 0, end: 3, matched: '国 家' }]);
  });

  it('R19 中 国 split by a full-width space (U+3000) is a hit', () => {
    expect(checkCertificateWording('中\u3000国').hits).toEqual([{ word: '中国', rule: 'R19', start: 0, end: 3, matched: '中\u3000国' }]);
  });

  it('R19 a zero-width joiner between the characters is a hit', () => {
    expect(checkCertificateWording('中\u200d国').hits).toEqual([{ word: '中国', rule: 'R19', start: 0, end: 3, matched: '中\u200d国' }]);
  });

  it('R19 zero-width space, non-joiner, word joiner and BOM between the characters are hits', () => {
    for (const invisible of ['\u200b', '\u200c', '\u2060', '\ufeff', '\u00ad']) {
      expect(words(`全${invisible}国`)).toEqual(['全国']);
    }
  });

  it('R19 separators ·, -, _, . and several of them between the characters are hits', () => {
    expect(words('中·华')).toEqual(['中华']);
    expect(words('中-国')).toEqual(['中国']);
    expect(words('国_家')).toEqual(['国家']);
    expect(words('全.国')).toEqual(['全国']);
    expect(words('岗 - · _ 位')).toEqual(['岗位']);
  });

  it('R19 full-width separators (－＿．・) between the characters are hits', () => {
    expect(words('职－业＿资．格')).toEqual(['职业资格']);
    expect(words('人･员・资格')).toEqual(['人员资格']);
  });

  it('R19 newlines and tabs between the characters are hits', () => {
    expect(words('中华人民\n共和\t国')).toEqual(['中华人民共和国']);
  });

  it('R19 the traditional 中華人民共和國 is a hit, matched as written', () => {
    expect(checkCertificateWording('中華人民共和國').hits).toEqual([
      { word: '中华人民共和国', rule: 'R19', start: 0, end: 7, matched: '中華人民共和國' },
    ]);
  });

  it('R19 traditional 國家, 全國, 中華, 職業資格, 人員資格, 崗位, 專業技術職務, 人力資源社會保障部 are hits', () => {
    expect(words('國家 全國 中華 職業資格 人員資格 崗位 專業技術職務 人力資源社會保障部')).toEqual([
      '国家',
      '全国',
      '中华',
      '职业资格',
      '人员资格',
      '岗位',
      '专业技术职务',
      '人力资源社会保障部',
    ]);
  });

  it('R19 mixed traditional and simplified (中国 as 中國) is a hit', () => {
    expect(words('中國')).toEqual(['中国']);
  });

  it('R19 the variant 囯 and the Japanese 専 are converted: 囯家, 専業技術職務', () => {
    expect(words('囯家 専業技術職務')).toEqual(['国家', '专业技术职务']);
  });

  it('R19 compatibility forms: circled ㊥, the Kangxi radical ⼈, are hits after NFKC', () => {
    expect(checkCertificateWording('㊥国').hits).toEqual([{ word: '中国', rule: 'R19', start: 0, end: 2, matched: '㊥国' }]);
    expect(words('⼈员资格')).toEqual(['人员资格']);
  });

  it('R19 traditional characters with separators: 中 · 華', () => {
    expect(checkCertificateWording('中 · 華').hits).toEqual([{ word: '中华', rule: 'R19', start: 0, end: 5, matched: '中 · 華' }]);
  });
});

describe('R19 certificate wording: overlaps (longest match at a position)', () => {
  it('R19 中华人民共和国 is reported alone, not also 中华', () => {
    expect(words('中华人民共和国')).toEqual(['中华人民共和国']);
  });

  it('R19 中华 before something else is reported as 中华', () => {
    expect(words('中华技能')).toEqual(['中华']);
  });

  it('R19 overlapping but not nested words are both reported: 全国家 → 全国 and 国家', () => {
    expect(checkCertificateWording('全国家').hits.map((h) => [h.word, h.start, h.end])).toEqual([
      ['全国', 0, 2],
      ['国家', 1, 3],
    ]);
  });

  it('R19 中华人民共和国家 → 中华人民共和国 and the overlapping 国家', () => {
    expect(words('中华人民共和国家')).toEqual(['中华人民共和国', '国家']);
  });

  it('R19 中国中华 → 中国 and 中华, separately', () => {
    expect(words('中国中华')).toEqual(['中国', '中华']);
  });
});

describe('R19 certificate wording: positions into the original text', () => {
  it('R19 positions are UTF-16 indices: an astral character before the word counts 2', () => {
    const text = '😀中国';
    expect(checkCertificateWording(text).hits).toEqual([{ word: '中国', rule: 'R19', start: 2, end: 4, matched: '中国' }]);
  });

  it('R19 leading and trailing separators are outside the match', () => {
    const text = ' ·中 国· ';
    expect(checkCertificateWording(text).hits).toEqual([{ word: '中国', rule: 'R19', start: 2, end: 5, matched: '中 国' }]);
  });

  it('R19 slice(original, start, end) === matched for every hit of a messy text', () => {
    const text = 'ＡＢＣ证书　中\u200b華\u3000人-民·共_和.國  😀 國\u200d家 ㊥国 全 國 崗 位 𝟘 人力資源社會保障部';
    const { hits } = checkCertificateWording(text);
    expect(hits.map((h) => h.word)).toEqual(['中华人民共和国', '国家', '中国', '全国', '岗位', '人力资源社会保障部']);
    expectSpansHold(text, hits);
  });
});

describe('R19 certificate wording: long texts', () => {
  it('R19 a 100,000-character text is checked quickly, every hit found and placed', () => {
    const chunk = '本证书由某某培训中心颁发，中 國 字样不得出现。'.padEnd(50, '　');
    const text = chunk.repeat(2000);
    const started = performance.now();
    const { hits } = checkCertificateWording(text);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(hits).toHaveLength(2000);
    expect(hits[1999]?.start).toBe(1999 * 50 + 13);
    expectSpansHold(text, hits);
  });
});

describe('R19 certificate images', () => {
  it('R19 every image needs a manual check for emblems, in the order given', () => {
    const { manualChecks } = checkCertificateWording('培训合格证书', [{ name: 'seal.png' }, { name: 'background.jpg' }]);
    expect(manualChecks).toEqual([
      { image: 'seal.png', reason: 'needs manual check for emblems (R19)' },
      { image: 'background.jpg', reason: 'needs manual check for emblems (R19)' },
    ]);
  });

  it('R19 images and word hits are reported together', () => {
    const result = checkCertificateWording('国家级证书', [{ name: 'emblem.svg' }]);
    expect(result.hits.map((h) => h.word)).toEqual(['国家']);
    expect(result.manualChecks).toEqual([{ image: 'emblem.svg', reason: 'needs manual check for emblems (R19)' }]);
  });

  it('R19 no images, no manual checks', () => {
    expect(checkCertificateWording('国家', []).manualChecks).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// R17(e) / R18(e) advertising
// ---------------------------------------------------------------------------------------------

/** [phrase, category, matched] of each hit for a training institution. */
const ads = (text: string) => checkAdvertising(text, 'training').map((h) => [h.phrase, h.category, h.matched]);
const categories = (text: string): AdvertisingCategory[] => checkAdvertising(text, 'training').map((h) => h.category);

describe('R17(e) advertising: each clause of the promise list', () => {
  it.each([
    ['包过', 'guaranteedPass'],
    ['保过', 'guaranteedPass'],
    ['本班保证通过', 'guaranteedPass'],
    ['确保一次性通过考试', 'guaranteedPass'],
    ['一次通过', 'guaranteedPass'],
    ['100%通过', 'guaranteedPass'],
    ['通过率100%', 'guaranteedPass'],
    ['包拿证', 'guaranteedPass'],
    ['不过退费', 'refundIfFailed'],
    ['未通过全额退款', 'refundIfFailed'],
    ['考试未通过，退还全部学费', 'refundIfFailed'],
    ['考不过包退', 'refundIfFailed'],
    ['包职称', 'guaranteedTitle'],
    ['包评高级职称', 'guaranteedTitle'],
    ['保证评上中级职称', 'guaranteedTitle'],
    ['职称包过', 'guaranteedTitle'],
    ['包就业', 'guaranteedJob'],
    ['保证就业', 'guaranteedJob'],
    ['结业后推荐工作', 'guaranteedJob'],
    ['学完安排工作', 'guaranteedJob'],
    ['包分配', 'guaranteedJob'],
    ['包年薪', 'guaranteedSalary'],
    ['高薪', 'guaranteedSalary'],
    ['月薪过万', 'guaranteedSalary'],
    ['毕业月薪2万起', 'guaranteedSalary'],
    ['年薪30万', 'guaranteedSalary'],
    ['月薪8000元以上', 'guaranteedSalary'],
    ['培训贷', 'trainingLoan'],
    ['分期贷款', 'trainingLoan'],
    ['助学贷', 'trainingLoan'],
    ['零首付入学', 'trainingLoan'],
  ] as const)('R17(e) %s is a %s promise', (text, category) => {
    const hits = checkAdvertising(text, 'training');
    expect(hits.map((h) => h.category)).toEqual([category]);
    expect(hits[0]?.clause).toBe('R17(e)');
    expectSpansHold(text, hits);
  });

  it('R17(e) the policy has phrases for every category', () => {
    for (const category of ADVERTISING_CATEGORIES) {
      expect(advertisingPolicy.categories[category].phrases.length).toBeGreaterThan(0);
    }
  });

  it('R17(e) a whole advertisement: every promise, in order, with its phrase', () => {
    const text = '数字技术培训班：包过！不过退费，包职称，包就业，月薪过万，可办培训贷。';
    expect(ads(text)).toEqual([
      ['包过', 'guaranteedPass', '包过'],
      ['不过退费', 'refundIfFailed', '不过退费'],
      ['包职称', 'guaranteedTitle', '包职称'],
      ['包就业', 'guaranteedJob', '包就业'],
      ['月薪过万', 'guaranteedSalary', '月薪过万'],
      ['培训贷', 'trainingLoan', '培训贷'],
    ]);
    expectSpansHold(text, checkAdvertising(text, 'training'));
  });

  it('R17(e) the refund match spans the whole promise: 未通过，全额退款', () => {
    const text = '若考试未通过，全额退款。';
    expect(checkAdvertising(text, 'training')).toEqual([
      { phrase: '不过退费', category: 'refundIfFailed', clause: 'R17(e)', start: 3, end: 11, matched: '未通过，全额退款' },
    ]);
  });

  it('R17(e) the longest match wins: 包高薪 alone, not also 高薪', () => {
    expect(ads('包高薪')).toEqual([['包高薪', 'guaranteedSalary', '包高薪']]);
  });
});

describe('R18(e) advertising by an evaluation institution', () => {
  it('R18(e) the same promises by an evaluation institution break R18(e), false advertising', () => {
    const hits = checkAdvertising('评价中心：包过，不过退费，包职称，包就业，包年薪，培训贷', 'evaluation');
    expect(hits.map((h) => h.category)).toEqual([
      'guaranteedPass',
      'refundIfFailed',
      'guaranteedTitle',
      'guaranteedJob',
      'guaranteedSalary',
      'trainingLoan',
    ]);
    expect(new Set(hits.map((h) => h.clause))).toEqual(new Set(['R18(e)']));
  });

  it('R18(e) vs R17(e): one text, the clause follows the kind', () => {
    expect(checkAdvertising('保过', 'training')[0]?.clause).toBe('R17(e)');
    expect(checkAdvertising('保过', 'evaluation')[0]?.clause).toBe('R18(e)');
  });

  it('R18(e) an unknown kind throws ConductInputError on kind', () => {
    expect(inputErrorField(() => checkAdvertising('包过', 'inspection' as 'training'))).toBe('kind');
  });
});

describe('R17(e) advertising: disguised promises', () => {
  it('R17(e) spaces and separators inside a phrase: 包 过, 包-就-业, 培·训·贷', () => {
    expect(categories('包 过 包-就-业 培·训·贷')).toEqual(['guaranteedPass', 'guaranteedJob', 'trainingLoan']);
  });

  it('R17(e) a zero-width space inside a phrase: 包\\u200b过', () => {
    const text = '包\u200b过';
    expect(checkAdvertising(text, 'training')).toEqual([
      { phrase: '包过', category: 'guaranteedPass', clause: 'R17(e)', start: 0, end: 3, matched: text },
    ]);
  });

  it('R17(e) traditional characters: 保證通過, 包評職稱, 培訓貸, 不過退費', () => {
    expect(ads('保證通過 包評職稱 培訓貸 不過退費')).toEqual([
      ['保证通过', 'guaranteedPass', '保證通過'],
      ['包职称', 'guaranteedTitle', '包評職稱'],
      ['培训贷', 'trainingLoan', '培訓貸'],
      ['不过退费', 'refundIfFailed', '不過退費'],
    ]);
  });

  it('R17(e) full-width forms: １００％通过, 月薪２万, ０首付', () => {
    const text = '１００％通过 月薪２万 ０首付';
    expect(ads(text)).toEqual([
      ['100%通过', 'guaranteedPass', '１００％通过'],
      ['月薪过万', 'guaranteedSalary', '月薪２万'],
      ['0首付', 'trainingLoan', '０首付'],
    ]);
  });

  it('R17(e) positions hold in a messy advertisement', () => {
    const text = '😀 限時優惠：包\u3000過！考試未通過，全額退款；保證評上高級職稱、高\u200d薪就業，可辦「培·訓·貸」';
    const hits = checkAdvertising(text, 'training');
    expect(hits.map((h) => h.category)).toEqual(['guaranteedPass', 'refundIfFailed', 'guaranteedTitle', 'guaranteedSalary', 'trainingLoan']);
    expectSpansHold(text, hits);
  });
});

describe('R17(e) advertising: near-misses that are not promises', () => {
  it('R12 a published refund procedure (退费办法, 全额退费 before the course) is not an R17(e) hit', () => {
    expect(ads('退费办法：开课前申请可全额退费，开课后按比例退款。收费标准和补考费用见附件。')).toEqual([]);
  });

  it('R17(e) 不过 meaning "however" before a refund clause is not a hit', () => {
    expect(ads('不过，退费需在开课前申请')).toEqual([]);
  });

  it('R10 faculty with an intermediate title (中级职称) is not a title promise', () => {
    expect(ads('师资均具有中级及以上职称，确保中级职称教师占比不低于百分之六十，保证师资具有中级职称')).toEqual([]);
  });

  it('R17(e) packet filtering and the packaging process (包过滤, 打包过程, 数据包过大) are not 包过', () => {
    expect(ads('课程内容：数据包过滤、打包过程、网络包过滤防火墙、数据包过大时分片')).toEqual([]);
  });

  it('R17(e) ensuring a process (确保过程可控) and 承包过 are not 保过 / 包过', () => {
    expect(ads('确保过程可控，曾承包过多个项目')).toEqual([]);
  });

  it('R11 the institution passing a check (确保通过等级保护测评, 一次通过验收) is not a guaranteed pass', () => {
    expect(ads('平台确保通过等级保护测评，考点一次通过验收')).toEqual([]);
  });

  it('R7.2 the recommendation work (做好推荐工作, 行业主管部门的推荐工作) is not a job promise', () => {
    expect(ads('做好推荐工作；配合行业主管部门的推荐工作')).toEqual([]);
  });

  it('R17(e) assigning staff (安排工作人员) is not a job promise', () => {
    expect(ads('考点安排工作人员全程值守')).toEqual([]);
  });

  it('R17(e) the policy slogan 稳就业、保就业 is not a job promise', () => {
    expect(ads('服务稳就业、保就业大局')).toEqual([]);
  });

  it('R17(e) words sharing characters: 就业指导, 通过考核后发证, 薪酬, 贷款风控 are not promises', () => {
    expect(ads('提供就业指导；通过考核后颁发培训合格证书；薪酬体系课程；金融科技：贷款风控模型')).toEqual([]);
  });

  it('R17(e) an ordinary course description has no hits', () => {
    expect(ads('人工智能工程技术人员（初级）培训，共 128 学时，线上线下结合，结业考核合格颁发培训合格证书。')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// R18(g) same-occupation conflicts
// ---------------------------------------------------------------------------------------------

const OCC = '2-02-10-09';
const OTHER_OCC = '2-02-38-01';

function listing(listingId: string, kind: 'training' | 'evaluation', institutionId: string, extra: Partial<ConductListing> = {}): ConductListing {
  return { listingId, kind, institutionId, occupationCode: OCC, status: 'valid', ...extra };
}

describe('R18(g) same-occupation conflicts', () => {
  it('R18(g) a subsidiary training in the occupation its parent evaluates is a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'parent'), listing('T1', 'training', 'sub')];
    const relations: InstitutionRelation[] = [{ from: 'parent', to: 'sub', type: 'subsidiary' }];
    expect(sameOccupationConflicts(listings, relations)).toEqual([
      { occupationCode: OCC, evaluation: 'E1', training: 'T1', path: ['parent', 'sub'], via: ['subsidiary'], rule: 'R18(g)' },
    ]);
  });

  it('R18(g) relations are undirected: the parent training where its subsidiary evaluates is a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'sub'), listing('T1', 'training', 'parent')];
    const relations: InstitutionRelation[] = [{ from: 'parent', to: 'sub', type: 'subsidiary' }];
    expect(sameOccupationConflicts(listings, relations).map((c) => c.path)).toEqual([['sub', 'parent']]);
  });

  it('R18(g) a technical support unit is a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'eval'), listing('T1', 'training', 'tech')];
    const relations: InstitutionRelation[] = [{ from: 'eval', to: 'tech', type: 'technicalSupport' }];
    expect(sameOccupationConflicts(listings, relations).map((c) => c.via)).toEqual([['technicalSupport']]);
  });

  it('R18(g) a conflict via a chain: the evaluation institution → its branch → the branch\'s technical support unit', () => {
    const listings = [listing('E1', 'evaluation', 'hq'), listing('T1', 'training', 'support')];
    const relations: InstitutionRelation[] = [
      { from: 'hq', to: 'branch', type: 'branch' },
      { from: 'branch', to: 'support', type: 'technicalSupport' },
    ];
    expect(sameOccupationConflicts(listings, relations)).toEqual([
      { occupationCode: OCC, evaluation: 'E1', training: 'T1', path: ['hq', 'branch', 'support'], via: ['branch', 'technicalSupport'], rule: 'R18(g)' },
    ]);
  });

  it('R18(g) sister branches under one parent are related through it', () => {
    const listings = [listing('E1', 'evaluation', 'branchA'), listing('T1', 'training', 'branchB')];
    const relations: InstitutionRelation[] = [
      { from: 'hq', to: 'branchA', type: 'branch' },
      { from: 'hq', to: 'branchB', type: 'branch' },
    ];
    expect(sameOccupationConflicts(listings, relations).map((c) => c.path)).toEqual([['branchA', 'hq', 'branchB']]);
  });

  it('R18(g) a chain longer than the policy depth (2) is not a conflict; a larger maxDepth finds it', () => {
    expect(relationPolicy.maxDepth).toBe(2);
    const listings = [listing('E1', 'evaluation', 'a'), listing('T1', 'training', 'd')];
    const relations: InstitutionRelation[] = [
      { from: 'a', to: 'b', type: 'branch' },
      { from: 'b', to: 'c', type: 'branch' },
      { from: 'c', to: 'd', type: 'subsidiary' },
    ];
    expect(sameOccupationConflicts(listings, relations)).toEqual([]);
    expect(sameOccupationConflicts(listings, relations, { maxDepth: 3 }).map((c) => c.path)).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('R18(g) one institution holding both listings is a conflict with a path of length 1', () => {
    const listings = [listing('E1', 'evaluation', 'inst'), listing('T1', 'training', 'inst')];
    expect(sameOccupationConflicts(listings, [])).toEqual([
      { occupationCode: OCC, evaluation: 'E1', training: 'T1', path: ['inst'], via: [], rule: 'R18(g)' },
    ]);
  });

  it('R18(g) with maxDepth 0 only an institution holding both listings is a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'inst'), listing('T1', 'training', 'inst'), listing('T2', 'training', 'sub')];
    const relations: InstitutionRelation[] = [{ from: 'inst', to: 'sub', type: 'subsidiary' }];
    expect(sameOccupationConflicts(listings, relations, { maxDepth: 0 }).map((c) => c.training)).toEqual(['T1']);
  });

  it('R18(g) unrelated institutions are not a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'a'), listing('T1', 'training', 'b')];
    const relations: InstitutionRelation[] = [{ from: 'a', to: 'c', type: 'subsidiary' }, { from: 'b', to: 'd', type: 'branch' }];
    expect(sameOccupationConflicts(listings, relations)).toEqual([]);
  });

  it('R18(g) related institutions in different occupations are not a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'parent'), listing('T1', 'training', 'sub', { occupationCode: OTHER_OCC })];
    const relations: InstitutionRelation[] = [{ from: 'parent', to: 'sub', type: 'subsidiary' }];
    expect(sameOccupationConflicts(listings, relations)).toEqual([]);
  });

  it('R18(g) two evaluation listings or two training listings are not a conflict', () => {
    const listings = [listing('E1', 'evaluation', 'inst'), listing('E2', 'evaluation', 'sub'), listing('T1', 'training', 'other'), listing('T2', 'training', 'other2')];
    const relations: InstitutionRelation[] = [{ from: 'inst', to: 'sub', type: 'subsidiary' }, { from: 'other', to: 'other2', type: 'branch' }];
    expect(sameOccupationConflicts(listings, relations)).toEqual([]);
  });

  it('R18(g) expired, removed and withdrawn listings are ignored, on either side', () => {
    const relations: InstitutionRelation[] = [{ from: 'parent', to: 'sub', type: 'subsidiary' }];
    for (const status of ['expired', 'removed', 'withdrawn'] as const) {
      expect(sameOccupationConflicts([listing('E1', 'evaluation', 'parent', { status }), listing('T1', 'training', 'sub')], relations)).toEqual([]);
      expect(sameOccupationConflicts([listing('E1', 'evaluation', 'parent'), listing('T1', 'training', 'sub', { status })], relations)).toEqual([]);
    }
  });

  it('R18(g) a lapsing listing is still in force and counts', () => {
    const listings = [listing('E1', 'evaluation', 'parent', { status: 'lapsing' }), listing('T1', 'training', 'sub', { status: 'lapsing' })];
    const relations: InstitutionRelation[] = [{ from: 'parent', to: 'sub', type: 'subsidiary' }];
    expect(sameOccupationConflicts(listings, relations).map((c) => [c.evaluation, c.training])).toEqual([['E1', 'T1']]);
  });

  it('R18(g) the path is a shortest one', () => {
    const listings = [listing('E1', 'evaluation', 'a'), listing('T1', 'training', 'c')];
    const relations: InstitutionRelation[] = [
      { from: 'a', to: 'b', type: 'branch' },
      { from: 'b', to: 'c', type: 'branch' },
      { from: 'a', to: 'c', type: 'technicalSupport' },
    ];
    expect(sameOccupationConflicts(listings, relations).map((c) => [c.path, c.via])).toEqual([[['a', 'c'], ['technicalSupport']]]);
  });

  it('R18(g) deterministic: sorted by occupation, evaluation id, training id, and the same for any input order', () => {
    const listings = [
      listing('T9', 'training', 'sub', { occupationCode: OTHER_OCC }),
      listing('E2', 'evaluation', 'parent'),
      listing('T3', 'training', 'sub'),
      listing('E1', 'evaluation', 'parent', { occupationCode: OTHER_OCC }),
      listing('T1', 'training', 'sub2'),
      listing('E0', 'evaluation', 'sub2'),
    ];
    const relations: InstitutionRelation[] = [
      { from: 'parent', to: 'sub', type: 'subsidiary' },
      { from: 'sub2', to: 'parent', type: 'branch' },
      { from: 'sub2', to: 'sub', type: 'technicalSupport' },
    ];
    const result = sameOccupationConflicts(listings, relations);
    expect(result.map((c) => [c.occupationCode, c.evaluation, c.training, c.path.join('>')])).toEqual([
      [OCC, 'E0', 'T1', 'sub2'],
      [OCC, 'E0', 'T3', 'sub2>sub'],
      [OCC, 'E2', 'T1', 'parent>sub2'],
      [OCC, 'E2', 'T3', 'parent>sub'],
      [OTHER_OCC, 'E1', 'T9', 'parent>sub'],
    ]);
    expect(sameOccupationConflicts([...listings].reverse(), [...relations].reverse())).toEqual(result);
  });

  it('R18(g) equal-length paths are chosen the same way whatever the input order', () => {
    const listings = [listing('E1', 'evaluation', 'a'), listing('T1', 'training', 'd')];
    const relations: InstitutionRelation[] = [
      { from: 'a', to: 'x', type: 'branch' },
      { from: 'x', to: 'd', type: 'branch' },
      { from: 'a', to: 'b', type: 'subsidiary' },
      { from: 'b', to: 'd', type: 'subsidiary' },
    ];
    const forward = sameOccupationConflicts(listings, relations);
    expect(forward.map((c) => c.path)).toEqual([['a', 'b', 'd']]);
    expect(sameOccupationConflicts(listings, [...relations].reverse())).toEqual(forward);
  });

  it('R18(g) an unknown relation type throws ConductInputError naming it', () => {
    const relations = [{ from: 'a', to: 'b', type: 'branch' }, { from: 'a', to: 'c', type: 'partner' }] as unknown as InstitutionRelation[];
    expect(inputErrorField(() => sameOccupationConflicts([], relations))).toBe('/relations/1/type');
  });

  it('R18(g) an unknown kind or status, or a negative maxDepth, throws ConductInputError', () => {
    expect(inputErrorField(() => sameOccupationConflicts([{ ...listing('X', 'training', 'a'), kind: 'other' as 'training' }], []))).toBe('/listings/0/kind');
    expect(inputErrorField(() => sameOccupationConflicts([{ ...listing('X', 'training', 'a'), status: 'active' as 'valid' }], []))).toBe('/listings/0/status');
    expect(inputErrorField(() => sameOccupationConflicts([], [], { maxDepth: -1 }))).toBe('maxDepth');
  });

  it('R18(g) the schemas accept a listing and a relation and reject extra properties and unknown types', () => {
    expect(Value.Check(ConductListingSchema, listing('E1', 'evaluation', 'a'))).toBe(true);
    expect(Value.Check(ConductListingSchema, { ...listing('E1', 'evaluation', 'a'), extra: 1 })).toBe(false);
    expect(Value.Check(InstitutionRelationSchema, { from: 'a', to: 'b', type: 'technicalSupport' })).toBe(true);
    expect(Value.Check(InstitutionRelationSchema, { from: 'a', to: 'b', type: 'partner' })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// R17(a) cross-province sites
// ---------------------------------------------------------------------------------------------

describe('R17(a) cross-province training sites', () => {
  const sites: TrainingSite[] = [
    { id: 's1', province: '44', address: '广州市天河区某路 1 号' },
    { id: 's2', province: '45', address: '南宁市青秀区某路 2 号' },
    { id: 's3', province: '44', address: '深圳市南山区某路 3 号' },
    { id: 's4', province: '11', address: '北京市海淀区某路 4 号' },
  ];

  it('R17(a) flags the sites outside the institution\'s province, in the order given', () => {
    expect(crossProvinceSites({ province: '44' }, sites)).toEqual([
      { id: 's2', province: '45', address: '南宁市青秀区某路 2 号', institutionProvince: '44', rule: 'R17(a)' },
      { id: 's4', province: '11', address: '北京市海淀区某路 4 号', institutionProvince: '44', rule: 'R17(a)' },
    ]);
  });

  it('R17(a) sites all in the institution\'s province are not flagged', () => {
    expect(crossProvinceSites({ province: '44' }, sites.filter((s) => s.province === '44'))).toEqual([]);
  });

  it('R17(a) no sites, nothing flagged', () => {
    expect(crossProvinceSites({ province: '44' }, [])).toEqual([]);
  });

  it('R17(a) a bad province code throws ConductInputError naming it', () => {
    expect(inputErrorField(() => crossProvinceSites({ province: '4' }, sites))).toBe('/institution/province');
    expect(inputErrorField(() => crossProvinceSites({ province: '440100' }, sites))).toBe('/institution/province');
    expect(inputErrorField(() => crossProvinceSites({ province: '44' }, [...sites, { id: 's5', province: 'GD', address: '' }]))).toBe('/sites/4/province');
  });

  it('R17(a) the site schema accepts a two-digit province and rejects a six-digit one', () => {
    expect(Value.Check(TrainingSiteSchema, sites[0])).toBe(true);
    expect(Value.Check(TrainingSiteSchema, { id: 'x', province: '440100', address: '' })).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// R10–R12 inspection checklists
// ---------------------------------------------------------------------------------------------

describe('R10–R12 inspection checklists', () => {
  it('R10 / R12 the training checklist has the R10 items then the R12 items', () => {
    const items = inspectionChecklist('training');
    expect(items.map((i) => i.id)).toEqual([
      'R10.faculty',
      'R10.curricula',
      'R10.premises',
      'R10.trainingPlans',
      'R10.attendance',
      'R10.completionTests',
      'R10.managementSystems',
      'R10.traineeRecords',
      'R12.fees',
      'R12.makeUpFees',
      'R12.refundProcedure',
    ]);
  });

  it('R11 / R12 the evaluation checklist has the R11 items, incidents included, then the R12 items', () => {
    const ids = inspectionChecklist('evaluation').map((i) => i.id);
    expect(ids).toContain('R11.incidents');
    expect(ids.filter((id) => id.startsWith('R11.'))).toHaveLength(8);
    expect(ids.slice(-3)).toEqual(['R12.fees', 'R12.makeUpFees', 'R12.refundProcedure']);
    expect(ids.some((id) => id.startsWith('R10.'))).toBe(false);
  });

  it('R10–R12 every item has a unique id of the form <rule>.<name>, its rule, English and Chinese text', () => {
    for (const kind of ['training', 'evaluation'] as const) {
      const items = inspectionChecklists[kind];
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      for (const item of items) {
        expect(item.id.startsWith(`${item.rule}.`)).toBe(true);
        expect(item.text.length).toBeGreaterThan(0);
        expect(item.zh.length).toBeGreaterThan(0);
      }
    }
  });

  it('R10–R12 inspectionChecklist returns a fresh array each call', () => {
    const a = inspectionChecklist('training');
    expect(a).not.toBe(inspectionChecklist('training'));
    expect(a).toEqual(inspectionChecklist('training'));
  });
});
