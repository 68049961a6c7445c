"""Which lines are page furniture rather than article text.

Two kinds: the aggregator's own lines (its logo, AI promo, comments box, app footer), which also
mark where the primary article ends; and a publisher page's chrome (share buttons, "Advertisement",
reading time, newsletter prompts). Each rule matches a whole line, case-insensitively, so a sentence
that merely contains one of these words is never dropped. A site adds its own in site.yaml: dropped
wherever they stand, without ending the article.
"""
import re
from dataclasses import dataclass

# Lines the aggregator prints around every article. Their first appearance ends the primary
# article's text.
AGGREGATOR = [
    r"logo",
    r"orange background",
    r"try our ai features",
    r"explore what .{0,40}\bai can do for you:?",
    r"comments?",
    r"no comments yet\.*",
    r"related articles",
    r"hashtags",
    r"download the app",
    r"get started now:? download the app",
    r"ready to dive into a world of global content.*",
    r"download .{0,40} app today.*",
    r"app-store ?play-store",
]

# A publisher page's chrome: short lines with no article content.
CHROME = [
    r"advertisement|advertising|sponsored( content)?|ad",
    r"(sponsor|sponsored( by)?|promoted( by)?|advertisement|partner content)\s*:.*",
    r"(skip|jump) to (main )?(content|navigation)",
    r"share( (this|on|via|with) [\w ]{1,20})?|share this (article|story)|shares?|copy link|link copied|email|print",
    r"(facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|threads|bluesky)",
    r"listen( to (this|the) (article|story))?( \d+ min)?|play|pause|audio",
    r"\d+ ?(min|minute)s? (read|listen)",
    r"(read|see) more( news)?|read next|read also|also read|more from .{1,40}|more stories|show more",
    r"related( (stories|articles|news|topics|coverage|content))?:?|trending( now| news| stories)?:?",
    r"most (read|popular|viewed)|top stories|latest( news)?|recommended( for you)?|you may also like",
    r"(sign up|subscribe)( now| today| for free| here)?[.!]?|subscribe to .{1,60}|newsletter",
    r"(sign up|subscribe) (for|to) (our|the) .{1,60}newsletter.{0,80}",
    r"(log ?in|sign ?in|register|menu|search|home|close|open|back to top|next|previous|loading\.*)",
    r"follow (us|@?[\w.]+)( on .{1,30})?",
    r"(photo|image|video|file photo|gallery)s?( \d+ of \d+)?:?",
    r"(enlarge|expand|view|zoom) (this )?(image|photo|gallery)",
    r"we (are|'re) on whatsapp.*|join (us|our) .{1,40}channel.*",
    r"click here .{0,60}|tap here .{0,60}",
    r"(cookie|privacy) (policy|settings|preferences)|accept( all)?( cookies)?",
    r"\d+ comments?|leave a comment|post a comment|view comments",
    r"[-–•·|]?\s*\d{1,3}",            # counters (shares, comments) on a line of their own
    r"(save|bookmark|saved)( article| story)?",
    r"(font|text) size|a\+?|a-",
    r"updated?:?",
]

# Bylines and stamps are not body either, but they carry fields: fields.py reads them.


@dataclass(frozen=True)
class Furniture:
    aggregator: re.Pattern          # the aggregator's own lines: furniture, and the end of its primary article
    chrome: re.Pattern              # a publisher page's chrome
    site: re.Pattern | None = None  # the site's own lines (site.yaml): furniture wherever they stand, never an end

    def is_aggregator(self, line: str) -> bool:
        """One of the aggregator's own lines, which end the primary article where they first appear."""
        return bool(self.aggregator.fullmatch(_key(line)))

    def is_site(self, line: str) -> bool:
        return bool(self.site is not None and self.site.fullmatch(_key(line)))

    def is_chrome(self, line: str) -> bool:
        """Any line of furniture: dropped wherever it stands."""
        key = _key(line)
        return bool(self.chrome.fullmatch(key) or self.aggregator.fullmatch(key)
                    or (self.site is not None and self.site.fullmatch(key)))


def _key(line: str) -> str:
    return " ".join(line.strip().strip("•·|>").split()).lower()      # white space runs as one space


def _union(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I)


def build(extra_lines: list[str] = (), extra_patterns: list[str] = ()) -> Furniture:
    """extra_lines are literal lines; extra_patterns are regular expressions for a whole line.
    Both come from site.yaml's normalize.furniture: lines dropped wherever they stand. They do not
    end an article as the aggregator's own lines do: a sponsor's line or a "Watch: ..." between two
    paragraphs would otherwise cut off the rest of the text."""
    extra = [re.escape(_key(line)) for line in extra_lines] + list(extra_patterns)
    return Furniture(_union(AGGREGATOR), _union(CHROME), _union(extra) if extra else None)


DEFAULT = build()
