/**
 * The case dossier as a PDF (pdfkit): a title page with the audit chain's verification in a box,
 * then one section per part of the JSON dossier (api/dossier/build.ts), headings in Chinese then
 * English, tables with a shaded header row, and "第 n 页 / 共 m 页 · Page n of m" on every page.
 *
 * Chinese needs a CJK font. It comes from npm with the service: `@expo-google-fonts/noto-sans-sc`
 * (Noto Sans SC 400 and 700, TrueType, SIL Open Font License 1.1), so `npm ci` brings it to every
 * machine and image. `DOSSIER_FONT` (and `DOSSIER_FONT_BOLD`; `DOSSIER_FONT_FAMILY` names the face of
 * a .ttc collection) overrides it; Debian's fonts-noto-cjk and fonts-wqy-microhei are tried last.
 * With none readable the export answers 503 `FontUnavailable`.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { ApiError } from '../errors.js';
import type { Dossier, DossierDeadline, TimelineEntry } from './build.js';

// ---------------------------------------------------------------------------------------------
// The font
// ---------------------------------------------------------------------------------------------

export interface FontFace {
  path: string;
  /** The face inside a collection (.ttc): its PostScript name. */
  family?: string;
}
export interface DossierFonts {
  regular: FontFace;
  bold: FontFace;
  source: string;
}

/** Fonts of Debian packages, if installed: `fonts-noto-cjk`, `fonts-wqy-microhei`, `fonts-wqy-zenhei`. */
const SYSTEM_FONTS: { regular: FontFace; bold?: FontFace; source: string }[] = [
  {
    regular: { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
    bold: { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', family: 'NotoSansCJKsc-Bold' },
    source: 'Debian fonts-noto-cjk',
  },
  { regular: { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' }, source: 'Debian fonts-wqy-microhei' },
  { regular: { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' }, source: 'Debian fonts-wqy-zenhei' },
];

function packagedFonts(): DossierFonts | undefined {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));
    const regular = join(root, '400Regular', 'NotoSansSC_400Regular.ttf');
    const bold = join(root, '700Bold', 'NotoSansSC_700Bold.ttf');
    if (!existsSync(regular)) return undefined;
    return { regular: { path: regular }, bold: { path: existsSync(bold) ? bold : regular }, source: 'npm @expo-google-fonts/noto-sans-sc (Noto Sans SC, OFL-1.1)' };
  } catch {
    return undefined;
  }
}

/** Where the CJK font comes from: `DOSSIER_FONT`, the npm package, then Debian's font packages. */
export function resolveDossierFonts(env: NodeJS.ProcessEnv = process.env): DossierFonts | undefined {
  if (env.DOSSIER_FONT) {
    if (!existsSync(env.DOSSIER_FONT)) return undefined;
    const family = env.DOSSIER_FONT_FAMILY || undefined;
    const regular: FontFace = { path: env.DOSSIER_FONT, ...(family ? { family } : {}) };
    const bold: FontFace = env.DOSSIER_FONT_BOLD && existsSync(env.DOSSIER_FONT_BOLD) ? { path: env.DOSSIER_FONT_BOLD, ...(env.DOSSIER_FONT_BOLD_FAMILY ? { family: env.DOSSIER_FONT_BOLD_FAMILY } : {}) } : regular;
    return { regular, bold, source: 'DOSSIER_FONT' };
  }
  const packaged = packagedFonts();
  if (packaged) return packaged;
  for (const f of SYSTEM_FONTS) {
    if (!existsSync(f.regular.path)) continue;
    return { regular: f.regular, bold: f.bold && existsSync(f.bold.path) ? f.bold : f.regular, source: f.source };
  }
  return undefined;
}

/**
 * The faces in use, by path: pdfkit caches a font by its path (or a collection's face name), and its
 * tables switch fonts per cell, so a font given as a Buffer would be parsed again for every cell.
 */
const facesOf = new WeakMap<Doc, DossierFonts>();

function loadFonts(): DossierFonts {
  const fonts = resolveDossierFonts();
  if (!fonts) {
    throw new ApiError(503, 'FontUnavailable', 'the PDF dossier needs a CJK font: install the npm dependencies (@expo-google-fonts/noto-sans-sc), or set DOSSIER_FONT to a .ttf/.otf/.ttc file (e.g. Debian fonts-noto-cjk); the JSON dossier (format=json) works without it', {});
  }
  for (const f of [fonts.regular, fonts.bold]) {
    try {
      accessSync(f.path, constants.R_OK);
    } catch (e) {
      throw new ApiError(503, 'FontUnavailable', `the CJK font ${f.path} cannot be read: ${(e as Error).message}`, {});
    }
  }
  return fonts;
}

const boldCellFont = (doc: Doc) => {
  const f = facesOf.get(doc)!.bold;
  return { src: f.path, ...(f.family ? { family: f.family } : {}) };
};

/** Switches to the regular or bold face. */
function face(doc: Doc, which: 'regular' | 'bold'): Doc {
  const f = facesOf.get(doc)![which];
  return f.family ? doc.font(f.path, f.family) : doc.font(f.path);
}

// ---------------------------------------------------------------------------------------------
// Layout helpers
// ---------------------------------------------------------------------------------------------

const MARGIN = 50;
const COLORS = { heading: '#1f3a5f', muted: '#555555', rule: '#9aa7b8', headerFill: '#e6ecf4', ok: '#1b7f3b', okFill: '#e7f5ec', bad: '#b3261e', badFill: '#fbeaea' };

/** Long texts are cut in cells (a row taller than a page would be clamped); the JSON has them whole. */
const cut = (s: string | null | undefined, max = 400): string => {
  const t = (s ?? '').replace(/[^\S\n]+/g, ' ').replace(/\n{2,}/g, '\n').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
/** `2026-05-01T02:03:04.567Z` → `2026-05-01 10:03:04` (Asia/Shanghai, UTC+8 without daylight saving). */
export function shanghaiTime(isoInstant: string | null | undefined): string {
  if (!isoInstant) return '';
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) return isoInstant;
  return new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
}
const who = (a: { name: string; role: string; unit: string; id: string }) => `${a.name || a.id}\n${a.role}@${a.unit}`;

type Doc = PDFKit.PDFDocument;

function heading(doc: Doc, zh: string, en: string): void {
  if (doc.y > doc.page.height - MARGIN - 120) doc.addPage();
  doc.moveDown(0.8);
  face(doc, 'bold').fontSize(14).fillColor(COLORS.heading).text(`${zh}  ${en}`, MARGIN);
  const y = doc.y + 2;
  doc.moveTo(MARGIN, y).lineTo(doc.page.width - MARGIN, y).lineWidth(0.8).strokeColor(COLORS.rule).stroke();
  doc.moveDown(0.5);
  face(doc, 'regular').fontSize(9).fillColor('black');
}

function note(doc: Doc, text: string): void {
  face(doc, 'regular').fontSize(9).fillColor(COLORS.muted).text(text, MARGIN);
  doc.fillColor('black');
}

/** A table with a shaded bilingual header row; `widths` in points (or '*'). */
function table(doc: Doc, headers: string[], rows: string[][], widths: (number | string)[]): void {
  if (rows.length === 0) {
    note(doc, '（无） None.');
    return;
  }
  if (doc.y > doc.page.height - MARGIN - 60) doc.addPage();
  face(doc, 'regular').fontSize(8).fillColor('black');
  doc.table({
    position: { x: MARGIN },
    maxWidth: doc.page.width - 2 * MARGIN,
    columnStyles: widths,
    rowStyles: (i: number) => (i === 0 ? { backgroundColor: COLORS.headerFill } : undefined),
    defaultStyle: { border: 0.5, borderColor: COLORS.rule, padding: 3 },
    data: [headers.map((h) => ({ text: h, font: boldCellFont(doc), type: 'TH' as const })), ...rows.map((r) => r.map((c) => cut(c)))],
  });
  doc.x = MARGIN;
  doc.moveDown(0.5);
}

/** Two columns of label → value. */
function keyValues(doc: Doc, pairs: [string, string][]): void {
  table(doc, ['项目 Item', '内容 Value'], pairs, [150, '*']);
}

const offsetText = (o: unknown): string => {
  if (!o || typeof o !== 'object') return '';
  const r = o as Record<string, number>;
  if ('workingDays' in r) return `${r.workingDays} 个工作日 working days`;
  if ('calendarDays' in r) return `${r.calendarDays} 个自然日 calendar days`;
  if ('calendarMonths' in r) return `${r.calendarMonths} 个月 months`;
  if ('years' in r) return `${r.years} 年 years${r.days ? ` ${r.days > 0 ? '+' : ''}${r.days} 日 days` : ''}`;
  return JSON.stringify(o);
};

function deadlineStatus(d: DossierDeadline): string {
  if (d.reachedAtSeq !== null) return `已到期 reached (#${d.reachedAtSeq})`;
  if (d.current) return '有效 in force';
  return '已失效 superseded / cleared';
}

function timelineRow(t: TimelineEntry): string[] {
  const event = t.title ? `${t.event}\n${t.title}` : t.event;
  return [String(t.seq), shanghaiTime(t.at), event, who(t.actor), cut(t.reason ?? '', 300), t.to, t.rule];
}

// ---------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------

function titlePage(doc: Doc, d: Dossier): void {
  const width = doc.page.width - 2 * MARGIN;
  face(doc, 'bold').fontSize(26).fillColor(COLORS.heading).text('案件卷宗', MARGIN, 110, { width, align: 'center' });
  face(doc, 'regular').fontSize(15).fillColor(COLORS.muted).text('Case dossier', { width, align: 'center' });
  doc.moveDown(0.4);
  doc.fontSize(10).text('供行政复议及政府信息公开使用 · For administrative review and disclosure requests', { width, align: 'center' });
  doc.moveDown(2);
  doc.fillColor('black');

  const inst = d.case.institution;
  keyValues(doc, [
    ['案件编号 Case', d.case.caseId],
    ['案件类型 Type', `${d.case.caseTypeLabel.zh} ${d.case.caseTypeLabel.en} (${d.case.caseType})`],
    ['机构 Institution', inst ? [inst.name, inst.id ? `(${inst.id}${inst.province ? `, 省 province ${inst.province}` : ''})` : ''].filter(Boolean).join(' ') : '—'],
    ['状态 Status', `${d.case.status.label} (${d.case.status.code})${d.case.status.final ? ' · 已办结 closed' : ''}`],
    ['主办单位 Owner', d.case.owner],
    ['生成时间 Generated at', `${shanghaiTime(d.generatedAt)} (Asia/Shanghai) · ${d.generatedAt}`],
    ['生成人 Generated by', `${d.generatedBy.name} (${d.generatedBy.id}, ${d.generatedBy.role}@${d.generatedBy.unit})`],
    ['版本 View', d.view === 'full' ? '完整版 full' : '删减版 redacted (see 删减说明 Redactions)'],
    ['卷宗版本 Dossier version', String(d.dossierVersion)],
    ['摘要 Digest (SHA-256, RFC 8785 JSON)', d.digest.value],
  ]);

  // The audit verification, prominent.
  doc.moveDown(1);
  const a = d.auditChain;
  const ok = a.ok;
  const y = doc.y;
  const lines = ok
    ? [`审计链完整 · Audit chain intact`, `${a.entries} 条记录 entries; 末条 head #${a.headSeq ?? '—'}`, `head hash ${a.headHash ?? '—'}`]
    : [
        `审计链已损坏 · AUDIT CHAIN BROKEN`,
        `首个异常 first broken entry: #${a.firstBroken?.seq ?? '—'} ${a.firstBroken?.kind ?? ''} — ${a.firstBroken?.message ?? ''}`,
        `${a.problems.length} 处问题 problem(s); ${a.entries} / ${a.expectedEntries} 条记录 entries`,
      ];
  const boxHeight = 24 + lines.length * 16;
  doc.rect(MARGIN, y, width, boxHeight).lineWidth(1.5).fillAndStroke(ok ? COLORS.okFill : COLORS.badFill, ok ? COLORS.ok : COLORS.bad);
  face(doc.fillColor(ok ? COLORS.ok : COLORS.bad), 'bold').fontSize(13).text(lines[0]!, MARGIN + 12, y + 10, { width: width - 24 });
  face(doc, 'regular').fontSize(9);
  for (const l of lines.slice(1)) doc.text(l, MARGIN + 12, doc.y + 2, { width: width - 24 });
  doc.fillColor('black');
  doc.y = y + boxHeight + 12;
  doc.x = MARGIN;
  if (d.view === 'redacted') note(doc, '本卷宗为删减版：部分内容按规定不向当事方公开（见“删减说明”）。This dossier is redacted for a party to the case; see Redactions.');
}

function sections(doc: Doc, d: Dossier): void {
  doc.addPage();
  heading(doc, '一、案件概况', '1. Case summary');
  const summary = Object.entries(d.case.summary).map(([k, v]): [string, string] => [k, cut(typeof v === 'string' ? v : JSON.stringify(v), 600)]);
  keyValues(doc, [
    ['案件编号 Case', d.case.caseId],
    ['当前状态 State', d.case.state],
    ['步骤数 Steps', String(d.case.steps)],
    ['立案时间 Opened', shanghaiTime(d.case.createdAt)],
    ['最后更新 Updated', shanghaiTime(d.case.updatedAt)],
    ...(d.case.parties ? ([['当事方 Parties', d.case.parties.join(', ') || '—']] as [string, string][]) : []),
    ...summary,
  ]);

  heading(doc, '二、办理过程', '2. Timeline');
  note(doc, `共 ${d.timeline.length} 步 steps (times Asia/Shanghai).`);
  table(doc, ['#', '时间 Time', '事件 Event', '操作人 Actor', '理由/意见 Reason', '结果状态 State', '依据 Rule'], d.timeline.map(timelineRow), [24, 62, 100, 84, '*', 66, 36]);

  heading(doc, '三、决定', '3. Decisions');
  table(
    doc,
    ['#', '时间 Time', '决定 Decision', '决定人 Decided by', '理由 Reason', '结果 Result'],
    d.decisions.map((x) => [String(x.seq), shanghaiTime(x.at), x.title ? `${x.action}\n${x.title}` : x.action, who(x.actor), cut(x.reason ?? '—', 400), x.resultingState]),
    [24, 62, 110, 90, '*', 70],
  );

  heading(doc, '四、期限', '4. Deadlines');
  note(doc, '每项期限均按工作日历计算，列出起算日、期间与跳过的日期及原因。Each deadline with its start, period and the days skipped and why.');
  table(
    doc,
    ['期限 Deadline', '依据 Rule', '截止 Due', '计算说明 Explanation', '状态 Status'],
    d.deadlines.map((x) => {
      const skipped = x.explanation.skipped.length ? `\n跳过 skipped: ${x.explanation.skipped.map((s) => `${s.date} ${s.reason}`).join('; ')}` : '';
      return [
        `${x.name}${x.setAtSeq !== null ? `\n(#${x.setAtSeq})` : ''}`,
        x.rule,
        `${x.date}\n${shanghaiTime(x.due)}${x.provisional ? '\n暂定 provisional' : ''}`,
        cut(`起算 start ${x.explanation.start} · 期间 period ${offsetText(x.explanation.offset)}\n${x.explanation.text}${skipped}`, 700),
        deadlineStatus(x),
      ];
    }),
    [80, 40, 70, '*', 70],
  );

  heading(doc, '五、任务', '5. Tasks');
  table(
    doc,
    ['任务 Task', '承办 Assignee', '状态 Status', '期限 Due', '办理结果 Outcome'],
    d.tasks.map((t) => [
      `${t.title}\n(${t.step})`,
      `${t.assignee.role}@${t.assignee.unit}${t.claimedBy ? `\n认领 claimed: ${t.claimedBy.name}` : ''}`,
      `${t.status}${t.escalation ? '\n督办 escalation' : ''}\n${shanghaiTime(t.createdAt)}`,
      `${t.dueDate ?? '—'}${t.provisional ? ' 暂定 provisional' : ''}${t.remindersSent.length ? `\n提醒 reminders: ${t.remindersSent.length}` : ''}`,
      t.outcome ? `${t.outcome.action}\n${t.outcome.by.name || t.outcome.by.id}\n${shanghaiTime(t.outcome.at)}` : '—',
    ]),
    ['*', 95, 80, 80, 105],
  );

  heading(doc, '六、通知', '6. Notifications sent');
  table(
    doc,
    ['时间 Time', '收件 To', '主题 Subject', '状态 Status', '渠道 Channels'],
    d.notifications.map((n) => [shanghaiTime(n.createdAt), `${n.to.role}@${n.to.unit}`, `${n.subject}\n(${n.rule})`, `${n.status}${n.sentAt ? `\n${shanghaiTime(n.sentAt)}` : ''}`, n.channels.map((c) => `${c.channel}: ${c.status} ×${c.attempts}`).join('\n') || '—']),
    [62, 90, '*', 70, 80],
  );

  heading(doc, '七、随机抽取', '7. Random draws');
  if (d.draws.length === 0) note(doc, '（无） None.');
  for (const x of d.draws) {
    face(doc, 'bold').fontSize(10).fillColor(x.verified ? COLORS.ok : COLORS.bad).text(`${x.kind === 'expertPanel' ? '专家抽取 Expert panel' : '检查抽取 Inspection'} ${x.drawId} — ${x.verified ? '复核通过 verified' : '复核未通过 NOT verified'}`, MARGIN);
    doc.fillColor('black').moveDown(0.3);
    const pairs: [string, string][] = [
      ['状态 Status', x.status],
      ['算法 Algorithm', x.algorithm ?? '—'],
      ['种子承诺 Seed commitment', x.seedCommitment],
      ['承诺时间 Committed', shanghaiTime(x.committedAt)],
      ['抽取时间 Drawn', shanghaiTime(x.drawnAt) || '—'],
    ];
    if (x.seed !== undefined) pairs.push(['种子 Seed', x.seed]);
    if (x.proof) pairs.push(['证明 Proof', x.proof]);
    if (x.poolHash) pairs.push(['库快照 Pool snapshot', `${x.poolSize ?? '?'} · ${x.poolHash}`]);
    if (x.panel) pairs.push(['组成 Panel', x.panel.map((m, i) => `${i + 1}. ${m.name} (${m.expertId})`).join('\n') || '—']);
    if (x.reserve) pairs.push(['候补 Reserve', x.reserve.map((m, i) => `${i + 1}. ${m.name} (${m.expertId})`).join('\n') || '—']);
    if (x.exclusions) pairs.push(['回避 Exclusions', x.exclusions.map((e) => `${e.expertId}: ${e.reason} — ${e.detail}`).join('\n') || '—']);
    if (x.institutions) pairs.push(['抽中机构 Institutions', x.institutions.map((i) => `${i.institutionId}: ${i.inspectors.join(', ')}`).join('\n') || '—']);
    if (!x.verified) pairs.push(['问题 Problems', x.problems.join('\n')]);
    keyValues(doc, pairs);
  }

  heading(doc, '八、异议及处理', '8. Objections and their handling');
  table(
    doc,
    ['编号 Objection', '提出时间 Filed', '申报 Application', '内容 Text', '处理 Handling'],
    d.objections.map((o) => [
      o.id,
      shanghaiTime(o.filedAt),
      o.application,
      o.text !== undefined ? cut(o.text, 400) : '（不公开 withheld）',
      o.decision ? `${o.status === 'upheld' ? '成立 upheld' : '不成立 dismissed'}\n${cut(o.decision.reason ?? '', 300)}\n${o.decision.by.name || o.decision.by.id}\n${shanghaiTime(o.decision.at)}` : '待处理 open',
    ]),
    [60, 62, 110, '*', 120],
  );

  heading(doc, '九、关联案件', '9. Related cases');
  table(doc, ['案件 Case', '类型 Type', '关系 Relation', '状态 Status'], d.relatedCases.map((r) => [r.caseId, r.caseType, r.relation, `${r.status.label} (${r.status.code})`]), ['*', 70, 130, 100]);

  heading(doc, '十、审计链验证', '10. Audit chain verification');
  const a = d.auditChain;
  face(doc, 'bold').fontSize(11).fillColor(a.ok ? COLORS.ok : COLORS.bad).text(a.ok ? '审计链完整 Audit chain intact' : `审计链已损坏 AUDIT CHAIN BROKEN — first broken entry #${a.firstBroken?.seq ?? '—'}`, MARGIN);
  doc.fillColor('black').moveDown(0.3);
  keyValues(doc, [
    ['记录数 Entries', `${a.entries} (案件步骤 case steps: ${a.expectedEntries})`],
    ['末条 Head', `#${a.headSeq ?? '—'} ${a.headHash ?? ''}`],
    ['方法 Method', a.algorithm],
    ['问题 Problems', a.problems.map((p) => `#${p.seq} ${p.kind}: ${p.message}`).join('\n') || '无 none'],
  ]);

  if (d.redactions.length > 0) {
    heading(doc, '十一、删减说明', '11. Redactions');
    table(doc, ['部分 Section', '未公开内容 Withheld', '数量 Count', '理由 Reason'], d.redactions.map((r) => [r.section, r.withheld, r.count === undefined ? '' : String(r.count), r.reason]), [70, '*', 40, 170]);
  }
}

function pageNumbers(doc: Doc, d: Dossier): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const n = i - range.start + 1;
    face(doc, 'regular').fontSize(8).fillColor(COLORS.muted);
    doc.text(`${d.case.caseId}`, MARGIN, doc.page.height - 32, { width: doc.page.width - 2 * MARGIN, align: 'left', lineBreak: false });
    doc.text(`第 ${n} 页 / 共 ${range.count} 页 · Page ${n} of ${range.count}`, MARGIN, doc.page.height - 32, { width: doc.page.width - 2 * MARGIN, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('black');
}

/** Renders the dossier; resolves to the PDF bytes. Throws ApiError 503 `FontUnavailable` without a CJK font. */
export async function renderDossierPdf(d: Dossier): Promise<Buffer> {
  const fonts = loadFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: {
      Title: `案件卷宗 Case dossier ${d.case.caseId}`,
      Author: `${d.generatedBy.name} (${d.generatedBy.id})`,
      Subject: `dossierVersion ${d.dossierVersion}; SHA-256 ${d.digest.value}`,
      Creator: 'DTE directory service',
      CreationDate: new Date(d.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  facesOf.set(doc, fonts);
  try {
    face(doc, 'bold');
    face(doc, 'regular');
  } catch (e) {
    throw new ApiError(503, 'FontUnavailable', `the CJK font from ${fonts.source} cannot be used: ${(e as Error).message}`, {});
  }
  titlePage(doc, d);
  sections(doc, d);
  pageNumbers(doc, d);
  doc.end();
  return done;
}
