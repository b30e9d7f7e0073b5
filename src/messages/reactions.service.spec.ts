import { AppError } from '../common/errors/app-error';
import { assertEmoji } from './reactions.service';

/** The error assertEmoji throws, or undefined when it accepts. */
function refusal(emoji: string): AppError | undefined {
  try {
    assertEmoji(emoji);
    return undefined;
  } catch (err) {
    return err as AppError;
  }
}

describe('assertEmoji', () => {
  it.each([
    ['a single emoji', '👍'],
    ['a ZWJ sequence with a variation selector', '🏳️‍🌈'],
    ['a skin tone modifier', '👍🏽'],
    ['a shortcode name', 'plus_one'],
    ['a custom name with punctuation', ':party-parrot:'],
    ['64 characters', 'a'.repeat(64)],
    ['64 emoji (code points, not UTF-16 units)', '😀'.repeat(64)],
  ])('accepts %s', (_name, emoji) => {
    expect(refusal(emoji)).toBeUndefined();
  });

  it.each([
    ['the empty string', ''],
    ['65 characters', 'a'.repeat(65)],
    ['65 emoji', '😀'.repeat(65)],
    ['a leading space', ' a'],
    ['a trailing space', 'a '],
    ['a space inside', 'a b'],
    ['a newline', '\n'],
    ['a tab', '\t'],
    ['a no-break space', 'a\u00a0b'],
    ['a NUL', 'a\u0000'],
    ['a bell', '\u0007'],
    ['a DEL', '\u007f'],
    ['a C1 control', '\u0085'],
    ['only a zero-width space', '\u200b'],
    ['only a right-to-left override', '\u202e'],
    ['only a variation selector', '\ufe0f'],
    ['only a zero-width joiner', '\u200d\u200d'],
  ])('refuses %s with 400 validation_failed', (_name, emoji) => {
    const err = refusal(emoji);
    expect(err).toBeInstanceOf(AppError);
    expect({ status: err!.getStatus(), code: err!.code }).toEqual({
      status: 400,
      code: 'validation_failed',
    });
  });
});
