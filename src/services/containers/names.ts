import { randomInt } from 'node:crypto';

// Docker names containers `adjective_surname` from two lists; these are a subset in the same spirit.
const LEFT = [
  'admiring', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy', 'charming',
  'clever', 'cool', 'crazy', 'dazzling', 'determined', 'eager', 'ecstatic', 'elastic', 'elegant', 'epic',
  'festive', 'focused', 'friendly', 'funny', 'gallant', 'gifted', 'goofy', 'gracious', 'happy', 'hopeful',
  'hungry', 'infallible', 'inspiring', 'jolly', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical',
  'modest', 'musing', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic', 'objective', 'optimistic', 'peaceful',
  'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'relaxed', 'reverent', 'romantic', 'sad', 'serene',
  'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'sweet', 'tender', 'thirsty', 'trusting', 'upbeat',
  'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful', 'xenodochial', 'youthful', 'zealous', 'zen',
];
const RIGHT = [
  'albattani', 'allen', 'archimedes', 'babbage', 'banach', 'bardeen', 'bartik', 'bell', 'bhabha', 'blackwell',
  'bohr', 'booth', 'borg', 'brahmagupta', 'brown', 'carson', 'cerf', 'chandrasekhar', 'curie', 'darwin',
  'dijkstra', 'dubinsky', 'easley', 'einstein', 'elion', 'euclid', 'euler', 'fermat', 'fermi', 'feynman',
  'franklin', 'galileo', 'gauss', 'goldberg', 'goodall', 'hamilton', 'hawking', 'heisenberg', 'hertz', 'hopper',
  'hypatia', 'johnson', 'kalam', 'kepler', 'knuth', 'lamarr', 'lamport', 'leakey', 'liskov', 'lovelace',
  'mayer', 'mccarthy', 'meitner', 'mendel', 'morse', 'newton', 'nobel', 'noether', 'pascal', 'pasteur',
  'perlman', 'pike', 'poincare', 'ptolemy', 'ritchie', 'rosalind', 'sammet', 'shannon', 'shockley', 'sinoussi',
  'stallman', 'swanson', 'tesla', 'thompson', 'torvalds', 'turing', 'varahamihira', 'wilbur', 'wiles', 'wozniak',
];

/** A free random name; `taken` says whether a candidate is in use. */
export function generateName(taken: (name: string) => boolean): string {
  for (let attempt = 0; ; attempt++) {
    let name = `${LEFT[randomInt(LEFT.length)]}_${RIGHT[randomInt(RIGHT.length)]}`;
    if (attempt > 0) name += randomInt(10);
    if (name !== 'boring_wozniak' && !taken(name)) return name; // Docker's one excluded name
  }
}
