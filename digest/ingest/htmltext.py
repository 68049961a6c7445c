"""A fragment of HTML (a feed item's content) → paragraphs of plain text, never markup.

Each block element (p, div, li, h1–h6, blockquote, pre, td, …) and each <br> ends a paragraph; text
inside inline elements is joined as a reader sees it. Scripts, styles, forms, embedded frames and
media are dropped whole; a <figure>'s <figcaption> is the photo caption, not text. What comes out
is text and goes through the same Markdown escaping as dump text (content.markdown_paragraph).
"""
import re

from .read import clean

_BLOCK = {"p", "div", "section", "article", "header", "footer", "aside", "main", "li", "ul", "ol", "dl",
          "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "td", "th",
          "caption", "figure", "address", "hr", "br", "center", "details", "summary"}
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "video", "audio", "svg",
         "canvas", "form", "button", "select", "textarea", "input", "head", "title", "meta", "link"}
_SPACE = re.compile(r"\s+")


def paragraphs(fragment: str) -> tuple[list[str], str | None]:
    """(the fragment's paragraphs, the first figure's caption)."""
    import lxml.html
    from lxml import etree

    if not fragment or not fragment.strip():
        return [], None
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [], None
    out: list[str] = []
    caption: list[str | None] = [None]
    run: list[str] = []

    def flush():
        text = _SPACE.sub(" ", clean("".join(run))).strip()
        run.clear()
        if text:
            out.append(text)

    def walk(el):
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None:                     # a comment or processing instruction: only its tail
            run.append(el.tail or "")
            return
        if tag in _DROP:
            run.append(el.tail or "")
            return
        if tag == "figcaption":
            text = _SPACE.sub(" ", clean(el.text_content())).strip()
            if text and caption[0] is None:
                caption[0] = text
            run.append(el.tail or "")
            return
        block = tag in _BLOCK
        if block:
            flush()
        run.append(el.text or "")
        for child in el:
            walk(child)
        if block:
            flush()
        run.append(el.tail or "")

    walk(root)
    flush()
    return out, caption[0]
