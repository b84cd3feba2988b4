/**
 * Words that never carry a lyric's mood on their own: pronouns, articles, auxiliaries, prepositions,
 * conjunctions, contraction pieces and a few neutral nouns of time and quantity. The text encoder
 * can still give them a valence (from their context), but a conflict's word list is for the words a
 * songwriter would change, so these are left out of it.
 */
const FILLER = new Set(
  `a an the and or but nor so yet if then than as of at by for from in into on onto to up down out off over under with without about
  i me my mine myself you your yours yourself he him his himself she her hers herself it its itself we us our ours ourselves they them
  their theirs themselves this that these those there here what which who whom whose when where why how all any both each every some
  such no not only own same too very just also again ever still even
  am is are was were be been being have has had having do does did doing will would shall should can could may might must
  s t m d ll re ve don didn doesn isn aren wasn weren won wouldn couldn shouldn ain gonna wanna gotta cause
  oh ooh yeah hey la na da uh whoa
  year years day days time times way thing things one two three`.split(/\s+/),
)

/** True for a word that carries no mood of its own ("i", "it", "years"). */
export function isFillerWord(word: string): boolean {
  return FILLER.has(word.toLowerCase().replace(/^'+|'+$/g, ''))
}
