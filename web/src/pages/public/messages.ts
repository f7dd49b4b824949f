/** Words of the public pages (namespace 'public'). */
const zh = {};
const en: typeof zh = {};
export default { 'zh-CN': zh, en };
