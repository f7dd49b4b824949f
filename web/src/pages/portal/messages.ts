/** Words of the portal pages (namespace 'portal'). */
const zh = {};
const en: typeof zh = {};
export default { 'zh-CN': zh, en };
