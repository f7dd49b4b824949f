/** Words of the staff pages (namespace 'staff'). */
const zh = {};
const en: typeof zh = {};
export default { 'zh-CN': zh, en };
