"""The words the planner understands, as data: change a phrase here, not a branch in the code.

Every key is in :func:`whyrec.catalog.titles.normalize` form (lower case, no punctuation), since the
slot extractors match against the normalised message. Multi-word phrases are matched as whole words.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    """A word list written as running text, so long lists stay readable."""
    return frozenset(text.split())


# Surface forms of each MovieLens genre (plurals, spellings, common names). A value is a tuple
# because a few words mean two genres ("rom com" is Comedy + Romance).
GENRES: dict[str, tuple[str, ...]] = {
    "action": ("Action",), "action movie": ("Action",), "action movies": ("Action",),
    "adventure": ("Adventure",), "adventures": ("Adventure",),
    "animation": ("Animation",), "animated": ("Animation",), "anime": ("Animation",),
    "cartoon": ("Animation",), "cartoons": ("Animation",),
    "children": ("Children",), "childrens": ("Children",), "children s": ("Children",),
    "kids": ("Children",), "kid": ("Children",), "family": ("Children",), "kiddie": ("Children",),
    "kiddy": ("Children",), "kiddies": ("Children",),
    "comedy": ("Comedy",), "comedies": ("Comedy",), "comedic": ("Comedy",), "funny": ("Comedy",),
    "hilarious": ("Comedy",),
    "rom com": ("Comedy", "Romance"), "romcom": ("Comedy", "Romance"), "rom coms": ("Comedy", "Romance"),
    "romcoms": ("Comedy", "Romance"),
    "crime": ("Crime",), "gangster": ("Crime",), "gangsters": ("Crime",),
    "documentary": ("Documentary",), "documentaries": ("Documentary",), "docs": ("Documentary",),
    "docu": ("Documentary",),
    "drama": ("Drama",), "dramas": ("Drama",),
    "fantasy": ("Fantasy",), "fantasies": ("Fantasy",),
    "film noir": ("Film-Noir",), "noir": ("Film-Noir",), "noirs": ("Film-Noir",),
    "horror": ("Horror",), "horrors": ("Horror",), "scary": ("Horror",),
    "imax": ("IMAX",),
    "musical": ("Musical",), "musicals": ("Musical",),
    "mystery": ("Mystery",), "mysteries": ("Mystery",), "whodunit": ("Mystery",), "whodunits": ("Mystery",),
    "romance": ("Romance",), "romances": ("Romance",), "romantic": ("Romance",), "love story": ("Romance",),
    "sci fi": ("Sci-Fi",), "scifi": ("Sci-Fi",), "science fiction": ("Sci-Fi",), "sf": ("Sci-Fi",),
    "thriller": ("Thriller",), "thrillers": ("Thriller",), "suspense": ("Thriller",), "suspenseful": ("Thriller",),
    "war": ("War",), "war movie": ("War",), "war movies": ("War",), "war films": ("War",),
    "western": ("Western",), "westerns": ("Western",),
}  # fmt: skip

# A negated kind that is a combination of genres rules out only the genre that makes it that kind: every
# romcom is a romance, while ruling Comedy out too would rule out every comedy ("anything but romcoms").
GENRES_NEGATED: dict[str, tuple[str, ...]] = {
    phrase: ("Romance",) for phrase, meant in GENRES.items() if meant == ("Comedy", "Romance")
}

GENRE_WORDS: frozenset[str] = frozenset(w for g in GENRES for w in g.split())  # "sci", "fi", "film", "noir", ...

# Phrases that rule genres out by themselves: a live-action film is one that is not animated, and the
# "action" in it is no Action (the longer phrase is read first, so it wins over "action").
# ("not animated" needs no entry: the negation reader excludes Animation, over any cartoons named before it.)
GENRES_RULED_OUT: dict[str, tuple[str, ...]] = {"live action": ("Animation",)}
GENRE_PHRASES: frozenset[str] = frozenset({*GENRES, *GENRES_RULED_OUT})  # what the genre reader looks for

# A word one typo from a genre word of six letters or more reads as that genre ("thriler", "animaton"),
# except these real words (found by checking an English vocabulary against the genre words).
GENRE_TYPO_MIN = 6
NOT_GENRE_TYPOS: frozenset[str] = _words("acton actions auction faction mastery thrilled adventurer musica")

# Taking a genre out of the list just shown ("can u drop anything that's horror? i scare easily") excludes it and
# keeps the list's request.
LIST_EDITS: tuple[str, ...] = ("drop", "filter out", "get rid of", "ditch", "cut out")
# A genre is excluded when one of these comes shortly before it, with only genre words,
# articles and "or"/"and"/"nor" in between ("no horror or musicals", "anything but a comedy").
NEGATORS: tuple[str, ...] = (
    "no", "not", "non", "without", "anything but", "anything except", "any thing but", "except", "except for",
    "excluding", "other than", "but not", "no more", "nothing", "avoid", "skip", "isn t", "isnt", "aren t", "arent",
    "don t like", "dont like", "do not like", "don t want", "dont want", "do not want", "hate", "hates", "dislike",
    "can t stand", "cant stand", "cannot stand", "neither", "nor", "free of", "minus", "none of", "none", "never",
    "leave out", "leaving out", "rule out", "zero", *LIST_EDITS,
)  # fmt: skip
NEGATION_GAP: frozenset[str] = _words(
    """a an the any or and nor too much more of those these cheesy stupid made meant for little small young anything
    something stuff with that are which aimed at disney pixar dreamworks sappy corny cheap dumb silly gory bloody
    actual actually real really proper typical thats is s"""
)
NEGATION_WINDOW = 4  # tokens between a negator and the genre it negates

# Genres asked for as alternatives make one "any of" filter, not a film of every genre at once: two joined
# by "or" ("a comedy or a thriller", "either a romcom or something sci-fi"), or three or more in a list ("i like
# drama, thriller, action and sometimes comedy"). Two joined by "and" stay both ("musical and romance").
# Genres form a list when only these words stand between them (the reader's words carry no commas).
GENRE_LIST_GAP: frozenset[str] = _words(
    "or and either a an some maybe perhaps possibly also sometimes even something movie movies film films flick flicks"
)
GENRE_ALTERNATIVES: frozenset[str] = _words("or either")
GENRE_LIST_MIN = 3  # genres in a list from which it reads as alternatives whatever joins them
# Genres joined by "and" in a statement of taste are alternatives too: "I enjoy comedy and action movies" likes
# both kinds, not only action comedies.
TASTE_CUES: tuple[str, ...] = (
    "i like", "i really like", "i love", "i really love", "i enjoy", "i really enjoy", "we like", "we love",
    "we enjoy", "i m into", "im into", "i am into", "interested in", "towards", "i prefer", "fan of", "fond of",
    "i usually watch", "i mostly watch",
)  # fmt: skip
TASTE_WINDOW = 3  # words between a taste cue and the first genre it is about ("i like a lot of comedy and ...")

NUMBER_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50,
    "a couple": 2, "a couple of": 2, "couple of": 2, "a few": 3, "a dozen": 12, "dozen": 12,
}  # fmt: skip
# Words that mean "the list of items" after a count ("5 movies", "three films").
ITEM_NOUNS: tuple[str, ...] = (
    "movies", "movie", "films", "film", "titles", "picks", "recommendations", "suggestions", "options", "more",
    "flicks", "ones", "things",
)  # fmt: skip
COUNT_PREFIXES: tuple[str, ...] = ("top", "best", "give me", "gimme", "show me", "list", "just", "only")

ORDINALS: dict[str, int] = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4,
    "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6, "eighth": 7, "8th": 7, "ninth": 8, "9th": 8,
    "tenth": 9, "10th": 9, "last": -1, "top": 0,
}  # fmt: skip
# "the third one", "number 3", "#3", "movie 3": an ordinal referring to the last list.
REFERENCE_NOUNS: tuple[str, ...] = ("one", "movie", "film", "pick", "recommendation", "suggestion", "title", "item")
# A pronoun for the item in focus (the last explained one, else the first of the last list).
FOCUS_PRONOUNS: tuple[str, ...] = ("that one", "this one", "that movie", "this movie", "that film", "this film", "it")
# "more like those": the whole last list.
LIST_PRONOUNS: tuple[str, ...] = ("those", "these", "them", "that list", "this list", "the list", "those ones")
LIST_LIKE_N = 3  # "more like those" seeds a recommendation with the first few of the last list
# Only these make the last list a seed: "more like those" is about them, "make them newer" refines the request.
SIMILAR_TO: tuple[str, ...] = ("like", "similar", "more of", "such as", "along those lines", "in that vein")
# A genre-only follow-up to an effect answer ("and is that different for horror?") asks the same question of it.
EFFECT_FOLLOW_UP: tuple[str, ...] = (
    "different", "differ", "what about", "how about", "and for", "same for", "also for",
)  # fmt: skip

# After a why, "and the second one?" asks the same of another film of the list.
FOLLOW_ON: tuple[str, ...] = ("and", "what about", "how about", "and what about", "also", "same for", "same with")
FOLLOW_ON_OPENERS = frozenset({"ok", "okay", "k", "cool", "right", "so", "alright", "hmm", "thanks", "thx"})

DECADE_WORDS: dict[str, int] = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960, "seventies": 1970,
    "eighties": 1980, "nineties": 1990, "noughties": 2000, "aughts": 2000,
}  # fmt: skip
DECADE_PARTS: dict[str, tuple[int, int]] = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}
# Comparisons before a year: each maps to (which bound, offset added to the year).
YEAR_BOUNDS: dict[str, tuple[str, int]] = {
    "after": ("min", 1), "since": ("min", 0), "newer than": ("min", 1), "later than": ("min", 1),
    "post": ("min", 1), "starting from": ("min", 0), "starting in": ("min", 0),
    "before": ("max", -1), "until": ("max", 0), "till": ("max", 0), "up to": ("max", 0), "older than": ("max", -1),
    "earlier than": ("max", -1), "pre": ("max", -1), "prior to": ("max", -1), "by": ("max", 0),
}  # fmt: skip
# Before a year, these ask for it even when it is written in brackets ("a comedy from (2010)").
YEAR_PREPOSITIONS = frozenset({"from", "in", "since", "after", "before", "until", "till", "than", "to", "pre", "post"})
# After a year: "1995 onwards" is a lower bound, "1980 or earlier" an upper one.
YEAR_SUFFIXES: dict[str, str] = {
    "on": "min", "onwards": "min", "onward": "min", "and later": "min", "or later": "min", "and after": "min",
    "or newer": "min", "and newer": "min", "or earlier": "max", "and earlier": "max", "or older": "max",
    "and before": "max",
}  # fmt: skip
# Before a year bound, these turn it around ("nothing before 1990", "not from the 2000s or later").
YEAR_NEGATIONS: tuple[str, ...] = (
    "not", "nothing", "no", "none", "never", "isn t", "isnt", "aren t", "arent", "wasn t", "weren t", "but not",
    "except", "no movies", "no films", "not made", "not released",
)  # fmt: skip
# Words allowed between a negation and "newer"/"older" ("nothing too old").
RELATIVE_INTENSIFIERS: frozenset[str] = _words("too very that so any")
# Relative to a mentioned item ("like Heat but newer"), else to the catalog's last year.
# "later" alone is no newer film: "I might watch it later".
NEWER: tuple[str, ...] = (
    "newer", "more recent", "recent", "modern", "latest", "new", "later ones", "later films", "later movies",
)  # fmt: skip
OLDER: tuple[str, ...] = ("older", "old", "classic", "classics", "earlier", "vintage", "oldies")
# Before "old", these make it an idiom, no year asked for: "Pretty Woman never gets old".
IDIOM_BEFORE_OLD: frozenset[str] = _words("gets get getting got grows grow")
# Before "classic", these make it praise of a film, no year asked for: "Halloween (1978) is a classic".
PRAISE_BEFORE_CLASSIC: frozenset[str] = _words("is was s what such true real cult total absolute timeless modern")
# After "the new" / "the old" these pick one film, no years: "the new one", "the old version", "the new <item>".
ONE_FILM: frozenset[str] = _words("one <item> version movie film remake sequel installment")
RECENT_YEARS = 5  # "recent" without an anchor: the catalog's last RECENT_YEARS years
OLD_BEFORE = 1980  # "old movies" without an anchor: before this year

# What-if kinds: a remove cue wins over an add cue ("if I hadn't watched" has "watched" too).
WHATIF_REMOVE: tuple[str, ...] = (
    "hadn t", "hadnt", "had not", "never", "didn t", "didnt", "did not", "without", "remove", "removed", "forget",
    "forgot", "unwatch", "unwatched", "drop", "dropped", "delete", "deleted", "take out", "took out", "erase",
    "not watched", "not seen", "not rated", "stopped", "stop", "less", "fewer", "no more", "hated", "disliked",
    "ignore", "ignored", "ignoring", "minus", "exclude", "excluded", "wasn t", "weren t", "wasnt", "werent", "cut",
    "out of my history", "out of my ratings", "out of my profile", "take away", "took away",
)  # fmt: skip
WHATIF_ADD: tuple[str, ...] = (
    "loved", "liked", "watched", "seen", "saw", "rated", "add", "added", "enjoyed", "adored", "like", "love",
    "watch", "more", "also", "too", "binge", "binged",
)  # fmt: skip

# Effect questions: question kind by cue; the first kind whose cue occurs wins, else "ate".
EFFECT_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("policy", ("everyone", "everybody", "all users", "every user", "all of them", "policy", "roll out", "rollout",
                "to all", "for all", "always featured", "always feature", "feature all", "feature every",
                "featured all", "featured every", "feature only", "featured only", "everything", "every single",
                "extra watches", "additional watches")),
    ("naive_vs_causal", ("anyway", "anyways", "regardless", "naive", "correlation", "correlated", "causation",
                         "confound", "confounded", "confounding", "spurious", "biased", "bias", "raw difference",
                         "just popular", "already popular", "popular anyway", "selection", "just compare",
                         "simply compared", "simply compare", "is that real", "is it real", "just comparing",
                         "simply comparing", "featured vs", "featured versus", "smaller than", "bigger than",
                         "misleading", "raw comparison", "raw gap")),
    ("cate_activity", ("heavy", "light users", "active", "casual", "activity", "power users", "new users",
                       "frequent", "occasional", "segment", "segments", "engaged", "lurkers")),
    ("cate_genre", ("per genre", "by genre", "each genre", "genres", "which genre", "what genre", "across genres",
                    "genre", "which movies", "which films", "what movies", "what films", "what to feature",
                    "which to feature")),
)  # fmt: skip
EFFECT_METHODS: dict[str, str] = {
    "propensity score matching": "backdoor.propensity_score_matching", "matching": "backdoor.propensity_score_matching",
    "psm": "backdoor.propensity_score_matching",
    "weighting": "backdoor.propensity_score_weighting", "ipw": "backdoor.propensity_score_weighting",
    "inverse propensity": "backdoor.propensity_score_weighting", "iptw": "backdoor.propensity_score_weighting",
    "stratification": "backdoor.propensity_score_stratification",
    "stratified": "backdoor.propensity_score_stratification",
    "linear regression": "backdoor.linear_regression", "regression": "backdoor.linear_regression",
    "ols": "backdoor.linear_regression",
    "aipw": "backdoor.aipw", "doubly robust": "backdoor.aipw",
}  # fmt: skip

# Feedback polarity: a negative cue wins over a positive one ("didn't like" has "like" too).
FEEDBACK_NEGATIVE: tuple[str, ...] = (
    "didn t like", "didnt like", "did not like", "don t like", "dont like", "do not like", "hated", "hate",
    "disliked", "dislike", "boring", "bored", "awful", "terrible", "bad", "worst", "meh", "not a fan", "not for me",
    "wasn t good", "wasnt good", "was not good", "wasn t great", "not good", "not great", "overrated", "couldn t stand",
    "can t stand", "cant stand", "sucked", "sucks", "stupid", "didn t enjoy", "didnt enjoy", "did not enjoy",
    "thumbs down", "no thanks", "not interested", "fell asleep", "annoying", "disappointing", "disappointed",
    "weak", "dull", "horrible", "mediocre", "skip", "not a big fan", "not much of a fan", "not really into",
    "not my thing", "not my cup of tea", "trash", "garbage", "rubbish", "crap",
)  # fmt: skip

# Search cues: an explicit, non-personal catalog search rather than a recommendation.
# What the catalog holds, asked about as a place: a search, and a request for films.
LIBRARY_CUES: tuple[str, ...] = (
    "in the library", "in your library", "in the collection", "in your collection", "what you have about",
    "what you have on",
)  # fmt: skip
# Emoji people react with, in words the reader knows ("👍 moon" is "thumbs up moon").
EMOJI_WORDS: dict[str, str] = {"👍": " thumbs up ", "👎": " thumbs down "}
SEARCH_CUES: tuple[str, ...] = (
    "search", "search for", "look for", "look up movies", "find movies", "find films", "find me movies",
    "list movies", "list films", "any movies with", "which movies", "which films", "what movies have", "find all",
    "list some", "list all", "catalog", "catalogue", "database", "browsing", "do you have", "do u have",
    "have you got", "you ve got", "just list", "list em", "list them", "list every", "show me every",
    "every title", "forget picks", "no picks", "dont need picks", "don t need picks", "forget recs",
    "forget recommendations", *LIBRARY_CUES,
)  # fmt: skip

# A recommendation that only refines the last one keeps its filters ("more, but no dramas").
FOLLOW_UP: tuple[str, ...] = (
    "more", "another", "others", "other", "again", "also", "too", "instead", "same", "now", "but", "only", "just",
    "what about", "how about", "and", "else", "any more", "anything else",
)  # fmt: skip

# A follow-up asking for the last request again, changed ("same thing but older", "redo that without dramas"):
# it keeps the last request even when it brings new topic words ("... want something lighter").
REPEAT_CUES: tuple[str, ...] = (
    "redo", "same thing", "same kind", "same decade", "same era", "same again", "do the same", "same but",
    "the same with", "do that again", "same one but",
)  # fmt: skip

# Words that never make a title mention on their own (a one-word title like "Up" or "Her" must be
# quoted or capitalised mid-sentence), plus the filler removed from a recommendation's query.
COMMON_WORDS: frozenset[str] = _words(
    """a about above after again against all also am an and any anything are aren as at be because been before being
    below between both but by can could did didn do does doing don down during each else even ever every few for from
    further get give go good got great had hadn has have haven having he her here hers herself him himself his how i
    if in into is isn it its itself just know let like liked likes loved love lot me mine more most much must my
    myself need new no nor not now of off old on once one only or other our ours out over own please really
    recommend recommendation recommendations s same say see seen she should show so some something somebody someone
    such suggest t than thank thanks that the their them then there these they thing things this those through to
    too under until up us very want wanted was watch watched way we well were what whats when where which while who
    whom why will with without would yes yet you your yours yourself movie movies film films flick flicks one ones
    top best cool nice fun funny sad happy please pls plz okay ok hi hello hey lol lmao haha omg kind kids kid man
    men woman women girl boy life day night time world home love story war may big little first second third last
    next tell similar anything everything everyone people everybody user users else maybe still why k e g how much many
    heavy light active feature featured featuring page effect effects cause causal saw name names date"""
)
# Words dropped from a recommendation's free-text query: requests and filler, not content.
QUERY_FILLER: frozenset[str] = _words(
    """a an the me i my we us you please pls plz can could would will should something some anything any movie movies
    film films flick flicks recommend recommendation recommendations suggest suggestion suggestions give show find
    want wanted need looking look for like similar to with watch watching see to tonight today now more another
    other others else but also just only and or of in from that this those these them one ones it is are be
    what whats how about maybe got have has good great nice best top some kind sort type new newer older recent
    k e g im i m d ll ve tell let s t ok okay yeah yep yes cool thx thanks thats same again stuff things btw u
    hmm hm um uh make which was were list every all picks idea onwards onward em search searching catalog catalogue
    database title titles rec recs fave faves fav favs wanna gonna browse browsing genuinely honestly seriously
    literally basically totally ever made next tho though thing vibe vibes version versions remake remakes original
    rewatch rewatched rewatching
    originals sequel sequels trilogy whole entire weekend he she his him they their there your yours redo decade
    library collection forget ur say either sometimes instead smth sth w reccomend recomend reccommend nah ooh oh"""
)

# How people feel and talk about films, never what a film is about: "I would love to watch an action
# movie" asks for action, not love; "I loved Heat ... not too old" has no topic at all.
OPINION_WORDS: frozenset[str] = _words(
    """love loved loves loving like liked likes enjoy enjoyed enjoys enjoying hate hated hates fan fans favourite
    favorite favourites favorites adore adored awesome amazing incredible fantastic really so very too pretty quite
    much lot lots bit little kinda sorta probably definitely actually honestly think thought know guess wonder
    wondering wish hope hoping perhaps feel feeling mood would d hi hello hey thank thanks please still though
    ideally gimme lol haha"""
)

# Who a film is for, after "my" or "our" ("for my nephew"): the audience, not a topic of the query.
AUDIENCE: frozenset[str] = _words(
    """nephew nephews niece nieces son sons daughter daughters wife husband girlfriend boyfriend gf bf partner friend
    friends mom mum dad parents brother brothers sister sisters grandma grandpa grandparents cousin cousins roommate"""
)
# "for my 6 yr old": an age up to this asks for children's films (and is no "older than" bound).
CHILD_AGE_MAX = 12
AGE_UNITS: tuple[str, ...] = ("yr old", "yrs old", "year old", "years old", "yo", "y o")

# Phrases dropped whole from a recommendation's query ("no thrillers this time" is not about time).
FILLER_PHRASES: tuple[str, ...] = (
    "this time", "for a change", "for once", "right now", "at the moment", "for tonight", "in the mood", "blew my mind",
    "blown away",
)  # fmt: skip

# A hypothetical about the user's own history: with an item or a genre to change, the message is a
# what-if whatever else it asks ("pretend I also liked X - what would you recommend then?").
WHATIF_HYPOTHETICAL: tuple[str, ...] = (
    "pretend i", "suppose i", "supposing i", "imagine i", "what if i", "hypothetically", "if i had", "if i hadn t",
    "if i hadnt", "if i d never", "if i never", "had i", "say i had", "what if id", "if i d watched", "if id watched",
    "if i d seen", "if id seen", "if i d loved", "if id loved", "if i d liked", "if id liked", "if i d enjoyed",
    "let s say i", "lets say i", "as if i had", "as if i hadn t", "as if i hadnt", "as if i never", "as if i d",
    "as if none of", "as if my",
)  # fmt: skip
# An edit of the history itself ("take out all the animated movies from my history") is a what-if too.
WHATIF_HISTORY_EDITS: tuple[str, ...] = (
    "from my history", "out of my history", "to my history", "from my ratings", "out of my ratings", "to my ratings",
    "from my profile", "out of my profile",
)  # fmt: skip
# The same, only where the message opens with them ("say i binged westerns"; not "what would you say i ...").
WHATIF_OPENERS: tuple[str, ...] = ("say i", "say id", "say i d")

# Right after whyrec noted a liked film it offers to recommend from the likes; a bare "yes" accepts.
# Like FILLER_PHRASES, these are never part of a query.
ACCEPTS: tuple[str, ...] = (
    "yes", "yeah", "yep", "yup", "sure", "go for it", "go ahead", "please do", "do it", "sounds good", "why not",
    "absolutely", "definitely", "lets go", "let s go", "alright", "all right",
)  # fmt: skip
DECLINES: tuple[str, ...] = (
    "no", "nope", "nah", "not now", "later", "never mind", "nevermind", "that s all", "i m good", "im good",
)  # fmt: skip

# Words that make an intent more likely, added to its exemplar score (CUE_BONUS): the structure of
# a question ("what if I ...", "why ...") that a sentence embedding blurs.
INTENT_CUES: dict[str, tuple[str, ...]] = {
    "what_if": ("what if i", "what if id", "what if my", "if i", "if i d", "imagine i", "suppose i", "pretend i",
                "had i", "what would change", "how would my", "in my history", "from my history"),
    "effect": ("featuring", "featured", "feature", "home page", "homepage", "front page", "banner", "promoting",
               "promotion", "causal", "ate", "treatment effect", "everyone", "all users", "watch rates"),
    "explain": ("why", "y did u", "y did you", "y do u", "y do you", "y is", "how come", "explain", "reason", "justify",
                "what made you", "what made u", "led to"),
    "item_info": ("about", "plot", "what genre", "what year", "when did", "when was", "details", "info",
                  "describe", "who is in", "rated", "what kind of movie", "average rating", "rating of",
                  "rating for", "how good is", "is <item> a", "is <item> an", "was <item> a", "is <item> any good"),
    "feedback": ("i loved", "i liked", "i hated", "i enjoyed", "i didn t like", "i did not", "was great",
                 "was boring", "was terrible", "was amazing", "thumbs up", "thumbs down", "not a fan",
                 "one of my favourites", "was overrated", "is a masterpiece", "sucked", "was dull", "was awful",
                 "was brilliant", "was excellent", "was incredible", "was perfect", "loved it", "hated it", "liked it",
                 "enjoyed it", "still love it", "still loved it", "still holds up", "still great", "mark it as liked",
                 "mark as liked", "mark it as disliked", "mark as disliked", "mark it liked", "to my likes",
                 "to my liked", "to my favorites", "to my favourites", "all time favs", "all time favorites",
                 "all time favourites", "all time fav", "don t show me stuff like", "dont show me stuff like",
                 "don t show me anything like", "dont show me anything like", "10 10", "no notes", "was trash",
                 "was garbage", "was rubbish", "was crap"),
    "recommend": ("something", "show me", "give me", "search", "find", "more like", "like that but", "like those",
                  "what else", "similar", "but no", "but not", "without", "no more", "others",
                  "another", "do the same", "the same with", "same but", "same again", "in that vein",
                  "in the same vein", "along those lines", "along the same lines", *LIBRARY_CUES),
}  # fmt: skip
CUE_BONUS = 0.08
# A request turned down is no request: "X bored me, don't show me stuff like it" is feedback.
REQUESTS_REFUSED: tuple[str, ...] = (
    "don t show me", "dont show me", "do not show me", "never show me", "stop showing me", "stop recommending",
)  # fmt: skip
# Words that ask for films, beside the recommend cues: not cues for the intent reader (a "why did you recommend
# X" is no request for a list), but they tell grounding that a list is asked for ("recommend 3 films like it
# and tell me why the first one is there").
FILMS_ASKED_FOR: tuple[str, ...] = (
    "recommend", "recommendation", "recommendations", "suggest", "suggestions", "movies", "films", "flicks",
    "picks", "recs", "list",
)  # fmt: skip
# Of those, the ones that ask for several films: "recommend 3 films like it and tell me why" wants a list too.
FILMS_PLURAL: tuple[str, ...] = (
    "movies", "films", "flicks", "picks", "recs", "suggestions", "recommendations", "others",
)  # fmt: skip
# Phrases of this conversation that overviews seldom use, so the linker reads them as ordinary ("on the front
# page" is not the film *The Front Page*): the effect questions' phrases of more than one word.
PLAIN_PHRASES: frozenset[str] = frozenset(cue for cue in INTENT_CUES["effect"] if " " in cue)
# Everyday words that never make a title on their own in free text unless capitalised (the linker's ``plain``).
PLAIN_WORDS: frozenset[str] = (
    COMMON_WORDS
    | QUERY_FILLER
    | GENRE_WORDS
    | frozenset(NUMBER_WORDS)
    | {w for n in NEGATORS for w in n.split()}  # "Nothing aimed at children" names no film
)
