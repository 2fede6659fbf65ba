/** A prompt window left unanswered cancels its request, so the waiting operation ends at once. */
import { describe, expect, it } from 'vitest';
import { cancelOnLeave } from '../../../src/ui/components/cancel-on-leave';

function setup() {
  const target = new EventTarget();
  let cancels = 0;
  const guard = cancelOnLeave(target, () => cancels++);
  return { guard, leave: () => target.dispatchEvent(new Event('pagehide')), cancels: () => cancels };
}

describe('cancelOnLeave', () => {
  it('cancels once when the window goes away unanswered', () => {
    const { leave, cancels } = setup();
    leave();
    leave();
    expect(cancels()).toBe(1);
  });

  it('leaves an answered request alone', () => {
    const { guard, leave, cancels } = setup();
    guard.answering(true);
    leave();
    expect(cancels()).toBe(0);
  });

  it('cancels after an answer that did not get through', () => {
    const { guard, leave, cancels } = setup();
    guard.answering(true);
    guard.answering(false);
    leave();
    expect(cancels()).toBe(1);
  });

  it('stops listening once disposed', () => {
    const { guard, leave, cancels } = setup();
    guard.dispose();
    leave();
    expect(cancels()).toBe(0);
  });
});
