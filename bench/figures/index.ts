// Every figure, in the order a full run measures them.
import type { Figure } from '../lib/figure';
import { echo } from './echo';
import { flood } from './flood';
import { idleRss } from './idle-rss';
import { start } from './start';
import { terminal } from './terminal';

export const FIGURES: Figure[] = [start, flood, terminal, echo, idleRss];
