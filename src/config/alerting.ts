import { PsadConfig } from './config';

/**
 * ALERTING_METHODS, read one way everywhere (psad 2.4.6's rule): a value that
 * matches /no.?e?mail/i turns mail off ("noemail", "no_email", "NOMAIL"), one
 * that matches /no.?syslog/i turns syslog off; anything else ("ALL") keeps
 * both. A missing variable keeps both.
 */
export interface AlertingMethods {
  mail: boolean;
  syslog: boolean;
}

export function alertingMethodsOf(value: string): AlertingMethods {
  return { mail: !/no.?e?mail/i.test(value), syslog: !/no.?syslog/i.test(value) };
}

export function alertingMethods(cfg: PsadConfig): AlertingMethods {
  return alertingMethodsOf(cfg.opt('ALERTING_METHODS', 'ALL'));
}
