import { describe, expect, it } from 'vitest';
import { TEST_MAILS } from '../test/mails.js';
import { Contributions, type GuichetModule } from './module.js';

describe('Contributions', () => {
  it('collects every module’s mail templates by the name the outbox stores', () => {
    const modules: GuichetModule[] = [
      { name: 'a', mailTemplates: [TEST_MAILS.notice] },
      { name: 'b', mailTemplates: [TEST_MAILS.reset] },
      { name: 'c' },
    ];
    const contributions = new Contributions(modules);
    expect([...contributions.mailTemplates.keys()]).toEqual(['testNotice', 'testReset']);
    expect(contributions.mailTemplates.get('testReset')?.priority).toBe('security');
  });

  it('refuses two modules sending mails under one name (their queued mails would be mixed up)', () => {
    const copy = { ...TEST_MAILS.reset, priority: undefined };
    expect(
      () =>
        new Contributions([
          { name: 'a', mailTemplates: [TEST_MAILS.reset] },
          { name: 'b', mailTemplates: [copy] },
        ]),
    ).toThrow(/mail template testReset contributed twice/);
  });

  it('refuses a portal widget or a figure contributed twice', () => {
    const widget = { key: 'a.b', title: 'Bloc', order: 1, load: async () => null };
    expect(() => new Contributions([{ name: 'a', portalWidgets: [widget, widget] }])).toThrow(/portal widget a\.b/);
    const figure = { key: 'a.n', label: 'N', unit: 'count' as const, compute: async () => 0 };
    expect(
      () =>
        new Contributions([
          { name: 'a', figures: [figure] },
          { name: 'b', figures: [figure] },
        ]),
    ).toThrow(/figure a\.n published twice/);
  });

  it('orders the indicator sources by their order, those without one last in module order', () => {
    const source = (title: string, order?: number) => ({
      title,
      ...(order === undefined ? {} : { order }),
      byService: false,
      indicators: [{ key: `${title}.n`, label: 'N', unit: 'count' as const, definition: 'N.' }],
      compute: async () => new Map<string, number | null>(),
    });
    const contributions = new Contributions([
      { name: 'a', indicators: [source('a')] },
      { name: 'b', indicators: [source('b', 30)] },
      { name: 'c', indicators: [source('c', 10)] },
      { name: 'd', indicators: [source('d')] },
    ]);
    expect(contributions.indicatorSources.map((s) => s.title)).toEqual(['c', 'b', 'a', 'd']);
  });
});
