import test from 'ava';
import { homePage, homePageCache, type HomeView } from './templates.js';

test('the cached home page is exactly the rendered one, for every visitor and whenever the load changes', (t) => {
  const cached = homePageCache();
  const view: HomeView = {
    nodeName: 'node <1> & "x"',
    podName: "pod'2",
    visitor: 1,
    load: { running: false },
    maxSeconds: 300,
    cpuLimit: 2,
    cpuSource: 'cgroup v2 cpu.max',
  };
  for (const visitor of [1, 2, 10, 12345]) t.is(cached({ ...view, visitor }), homePage({ ...view, visitor }));
  const running = { ...view, visitor: 7, load: { running: true, workers: 2, secondsLeft: 41 } };
  t.is(cached(running), homePage(running));
  t.regex(cached(running), /41 s left/);
  const later = { ...running, visitor: 8, load: { running: true, workers: 2, secondsLeft: 40 } };
  t.is(cached(later), homePage(later));
  t.is(cached({ ...view, visitor: 9 }), homePage({ ...view, visitor: 9 }), 'back to idle');
});
