/** Registers the shared components' words (namespace 'components') with the app's i18next instance. */
import i18n from '../i18n';
import messages from './messages';

export const COMPONENTS_NS = 'components';

for (const [lng, resources] of Object.entries(messages)) {
  if (!i18n.hasResourceBundle(lng, COMPONENTS_NS)) i18n.addResourceBundle(lng, COMPONENTS_NS, resources, true, false);
}

/** The components' words in the active language, for lookups by keys i18next cannot take (rjsf's English strings). */
export function componentMessages(): (typeof messages)['en'] {
  return i18n.language === 'en' ? messages.en : messages['zh-CN'];
}
