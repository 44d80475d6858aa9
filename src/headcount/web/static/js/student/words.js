// The server's refusals of a check-in that say how things are, not what went wrong: in a
// student's words, shown instead of the error.

export const CHECK_IN_CLOSED = 'Check-in is closed';
export const NO_SESSION = 'No active attendance session';

export const STATE_WORDS = {
  [CHECK_IN_CLOSED]: 'Self check-in is off for this roll call: your teacher marks you.',
  [NO_SESSION]: 'No roll call is running in this class right now.',
};
