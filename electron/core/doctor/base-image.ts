// The base VM every session clones: present, how old, and built for the current settings.
import { specFromSettings } from '../provision/from-settings';
import { readBaseRecord } from '../provision/record';
import { parseSpec, specHash } from '../provision/spec';
import type { Check } from './check';

/** Past this, Ubuntu's packages and Claude Code in the image are worth refreshing. */
export const STALE_BASE_DAYS = 30;

export const baseImageCheck: Check = {
  id: 'base-image',
  name: 'Base VM',
  async run(ctx) {
    const name = ctx.settings.baseVm;
    if (!(await ctx.tart.exists(name))) {
      return {
        status: 'fail',
        detail: `${name} does not exist`,
        fix: 'clave provision (or Provision Base Image… in the menu): builds it once, about 10 minutes.',
      };
    }
    const record = await readBaseRecord(ctx.dataDir, name);
    if (!record) {
      return {
        status: 'ok',
        detail: `${name} is provisioned (not by this Clave: its age and settings are unknown)`,
      };
    }
    const days = Math.floor((ctx.now() - Date.parse(record.provisionedAt)) / 86_400_000);
    const age = days < 1 ? 'built today' : `${days} day${days === 1 ? '' : 's'} old`;
    const wanted = specHash(parseSpec(specFromSettings(ctx.settings)));
    if (record.specHash !== wanted) {
      return {
        status: 'warn',
        detail: `${name} is provisioned (${age}) for other settings than the current ones (services.mode decides what the image holds), or by an older Clave`,
        fix: 'clave provision --force rebuilds it for the current settings.',
      };
    }
    if (days > STALE_BASE_DAYS) {
      return {
        status: 'warn',
        detail: `${name} is provisioned, ${age}: its packages and Claude Code are behind`,
        fix: 'clave provision --update upgrades it in place.',
      };
    }
    return { status: 'ok', detail: `${name} is provisioned, ${age}, from ${record.image}` };
  },
};
