/** The shell's words: navigation, sign-in, roles (glossary terms). */
const zh = {
  appName: '数字技术工程师培育项目 · 机构目录',
  appShort: '机构目录',
  nav: { directory: '机构目录', notices: '公示', changes: '目录变更记录', inbox: '待办', console: '工作台', portal: '机构服务', expert: '评审任务', login: '登录', logout: '退出' },
  roles: { officer: '经办人员', leader: '负责人', expert: '评审专家', inspector: '检查人员', institution: '机构', admin: '平台管理员', public: '社会公众' },
  login: {
    title: '登录',
    username: '账号',
    password: '密码',
    totp: '动态验证码（6 位）',
    submit: '登录',
    oidc: '通过统一身份认证登录',
    demo: '演示账号（仅限开发环境）',
    demoHint: '选择一个演示角色直接登录',
    locked: '账号已锁定',
    needTotp: '请输入动态验证码',
  },
  common: { loading: '加载中…', error: '出错了', retry: '重试', language: '语言', notFound: '页面不存在', forbidden: '无权访问', back: '返回' },
};
const en: typeof zh = {
  appName: 'Digital Technology Engineer Programme · Institution Directory',
  appShort: 'Directory',
  nav: { directory: 'Directory', notices: 'Public notices', changes: 'Directory change log', inbox: 'Inbox', console: 'Console', portal: 'Institution portal', expert: 'Review tasks', login: 'Sign in', logout: 'Sign out' },
  roles: { officer: 'Officer', leader: 'Leader', expert: 'Expert', inspector: 'Inspector', institution: 'Institution', admin: 'Platform admin', public: 'Public' },
  login: {
    title: 'Sign in',
    username: 'Account',
    password: 'Password',
    totp: 'One-time code (6 digits)',
    submit: 'Sign in',
    oidc: 'Sign in with the identity provider',
    demo: 'Demo accounts (development only)',
    demoHint: 'Pick a demo role to sign in as',
    locked: 'Account locked',
    needTotp: 'Enter your one-time code',
  },
  common: { loading: 'Loading…', error: 'Something went wrong', retry: 'Retry', language: 'Language', notFound: 'Page not found', forbidden: 'Not allowed', back: 'Back' },
};
export default { 'zh-CN': zh, en };
