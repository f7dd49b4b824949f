/**
 * Seeded demo users for local development: `POST /api/dev/tokens` (or `npm run token -- <id>`) mints
 * a token for one of them. Off in production unless DEV_TOKENS=on.
 */
import type { Principal } from '../rules/actors.js';

export const DEMO_USERS: Principal[] = [
  { id: 'nat-officer', name: '王芳 (national group office)', role: 'officer', unit: 'national' },
  { id: 'nat-leader', name: '李强 (national group leader)', role: 'leader', unit: 'national' },
  { id: 'nat-leader-2', name: '刘洋 (national group deputy leader)', role: 'leader', unit: 'national' },
  { id: 'nat-admin', name: '平台管理员 (platform admin)', role: 'admin', unit: 'national' },
  { id: 'gd-officer', name: '陈静 (Guangdong HR)', role: 'officer', unit: 'province:44' },
  { id: 'gd-leader', name: '黄伟 (Guangdong HR leader)', role: 'leader', unit: 'province:44' },
  { id: 'gz-officer', name: '林敏 (Guangzhou HR)', role: 'officer', unit: 'locality:440100' },
  { id: 'js-officer', name: '周洋 (Jiangsu HR)', role: 'officer', unit: 'province:32' },
  { id: 'js-leader', name: '吴刚 (Jiangsu HR leader)', role: 'leader', unit: 'province:32' },
  { id: 'miit-officer', name: '赵磊 (industry department)', role: 'officer', unit: 'industry:miit' },
  ...['孙', '钱', '郑', '冯', '陈', '褚', '卫'].map((surname, i): Principal => ({
    id: `expert-00${i + 1}`,
    name: `${surname}教授 (expert)`,
    role: 'expert',
    unit: `expert:e00${i + 1}`,
  })),
  ...['何', '吕', '施', '张'].map((surname, i): Principal => ({
    id: `inspector-00${i + 1}`,
    name: `${surname}检查员 (inspector)`,
    role: 'inspector',
    unit: `inspector:p00${i + 1}`,
  })),
  { id: 'inst-001', name: '示例培训学院 (institution)', role: 'institution', unit: 'institution:i001' },
  { id: 'inst-002', name: '示例评价中心 (institution)', role: 'institution', unit: 'institution:i002' },
  { id: 'inst-003', name: '示例科技公司 (institution)', role: 'institution', unit: 'institution:i003' },
];
