"""Plain-text helpers shared by the stages: sentence splitting."""
import re

# Abbreviations after which a full stop ends no sentence ("U.S. officials", "Mr. Lee", "Sept. 3").
_ABBREVIATIONS = ["Mr", "Mrs", "Ms", "Dr", "St", "Gov", "Sen", "Rep", "Gen", "Lt", "Col", "Sgt", "Jan", "Feb",
                  "Aug", "Sept", "Oct", "Nov", "Dec", "No", "vs", "Inc", "Ltd", "Co", "Corp", "Jr", "Sr", "Prof",
                  "Adm", "Capt", "Cmdr"]
# A split point: white space after a full stop (with or without a closing quote), before a capital
# or a digit, and not after an abbreviation or a single capital ("U.S.", "J. Smith"). Python's
# look-behinds are fixed-width, hence one per abbreviation.
_NOT_AFTER = "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS) + r"(?<!\b[A-Z]\.)"
_SENTENCE_SPLIT = re.compile(rf"(?:(?<=[.!?]){_NOT_AFTER}|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split running text into sentences, not at abbreviations."""
    return [s for s in _SENTENCE_SPLIT.split(text) if s]
