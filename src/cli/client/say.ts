import { loadClientEnvironment } from '../../config.js';
import { translate } from '../../i18n/index.js';

/** The client's words in the terminal's language (LC_ALL, LC_MESSAGES or LANG: zh_* is Simplified Chinese). */
export const say = (key: string, params: Record<string, string | number> = {}): string =>
  translate(loadClientEnvironment().locale, key, params);
