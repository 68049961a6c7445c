"""once(macro, …): a card is made once per render and reused on every page that lists it, and made
again after the next render starts (watch mode edits posts in place)."""
import jinja2

from digest.render.html import Once


class Post:
    def __init__(self, title):
        self.title = title


def env_with(source):
    env = jinja2.Environment(loader=jinja2.DictLoader({"m.html": source, "page.html":
        '{% from "m.html" import card with context %}{% for p in posts %}{{ once(card, p, h) }};{% endfor %}'}),
        autoescape=True)
    env.globals["once"] = Once()
    return env


def test_a_card_is_made_once_per_render_and_again_after_clear():
    calls = []
    env = env_with('{% macro card(post, heading) %}{{ made(post.title) }}<{{ heading }}>{{ post.title }}'
                   '</{{ heading }}>{% endmacro %}')
    env.globals["made"] = lambda title: calls.append(title) or ""
    a, b = Post("A & B"), Post("C")
    page = env.get_template("page.html")
    assert page.render(posts=[a, b], h="h2") == "<h2>A &amp; B</h2>;<h2>C</h2>;"
    assert page.render(posts=[b, a], h="h2") == "<h2>C</h2>;<h2>A &amp; B</h2>;"     # another page: reused
    assert calls == ["A & B", "C"]
    assert page.render(posts=[a], h="h3") == "<h3>A &amp; B</h3>;"                    # other arguments: made
    a.title = "A, edited"
    env.globals["once"].clear()
    assert page.render(posts=[a], h="h3") == "<h3>A, edited</h3>;"
    assert calls == ["A & B", "C", "A & B", "A, edited"]


def test_an_argument_is_kept_so_its_id_is_never_reused_for_another():
    class Macro:
        name = "card"

        def __call__(self, post):
            return post.title
    once = Once()
    # Posts made and dropped one after another: without the cache holding them, CPython would give
    # the next one the same id and the cache would hand back the previous title.
    assert [once(Macro(), Post(str(i))) for i in range(200)] == [str(i) for i in range(200)]
