"""The subscribe panel: one link per calendar app, the plain URL and a QR code of it.

Options map to the feed's own query parameters (``jubilee_only``, ``include``, ``lang``,
``remind``, ``prepare``), so the panel is a GET form that the server answers with new links:
it works without JavaScript.
"""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno

from app.pages.i18n import LANGUAGES

# The lead times the panel offers (any other duration works in the URL: app/planning/durations).
REMIND_CHOICES = ("", "P7D", "P30D", "P90D")
PREPARE_CHOICES = ("", "P90D", "P180D", "P365D")


@dataclass(frozen=True)
class Options:
    jubilee_only: bool = False
    events_only: bool = False
    lang: str = "en"
    remind: str = ""
    prepare: str = ""

    @classmethod
    def from_query(cls, params, page_lang: str) -> "Options":
        """Unknown feed languages fall back to the page's; the checkboxes are on when sent."""
        lang = params.get("feed_lang", page_lang)
        return cls(
            jubilee_only=params.get("jubilee_only") in ("1", "true", "on"),
            events_only=params.get("events_only") in ("1", "true", "on"),
            lang=lang if lang in LANGUAGES else page_lang,
            remind=_choice(params.get("remind", ""), REMIND_CHOICES),
            prepare=_choice(params.get("prepare", ""), PREPARE_CHOICES),
        )

    def query(self) -> str:
        params = {}
        if self.jubilee_only:
            params["jubilee_only"] = "true"
        if self.events_only:
            params["include"] = "events"
        if self.lang != "en":
            params["lang"] = self.lang
        if self.remind:
            params["remind"] = self.remind
        if self.prepare and not self.events_only:
            params["prepare"] = self.prepare
        return urlencode(params)


def _choice(value: str, choices: tuple[str, ...]) -> str:
    """An offered lead time, or none: the panel never builds a link the feed would refuse."""
    return value if value in choices else ""


@dataclass(frozen=True)
class Links:
    url: str
    webcal: str
    google: str
    outlook: str
    qr_svg: str


def links(feed_url: str, name: str, options: Options) -> Links:
    query = options.query()
    url = f"{feed_url}?{query}" if query else feed_url
    webcal = "webcal://" + url.split("://", 1)[1]
    return Links(
        url=url,
        webcal=webcal,
        google="https://calendar.google.com/calendar/render?cid=" + quote(url, safe=""),
        outlook="https://outlook.live.com/calendar/0/addfromweb?"
        + urlencode({"url": url, "name": name}),
        qr_svg=qr_svg(url),
    )


def qr_svg(url: str) -> str:
    """An inline SVG (no XML declaration), scaled by CSS; its text alternative is set by the
    template around it."""
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=4, border=2, dark="#000", light="#fff", svgclass="qr")
