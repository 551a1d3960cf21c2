// Every figure, in the order a full run measures them.
import type { Figure } from '../lib/figure';
import { attention } from './attention';
import { changes } from './changes';
import { echo } from './echo';
import { flood } from './flood';
import { idleRss } from './idle-rss';
import { start } from './start';
import { terminal } from './terminal';
import { warm } from './warm';

export const FIGURES: Figure[] = [start, warm, flood, terminal, echo, idleRss, attention, changes];
