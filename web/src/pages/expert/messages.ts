/** Words of the expert pages (namespace 'expert'). */
const zh = {};
const en: typeof zh = {};
export default { 'zh-CN': zh, en };
