"""Pages of a long list on the headquarters pages: "Showing 101–200 of 2,905", with first / previous / next / last
links that keep the page's other query parameters. A long list is never cut off: every row is on some page."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from app.hq.web_i18n import t

PAGE_SIZE = 100


@dataclass(frozen=True)
class Paging:
    number: int  # 1-based, within 1..pages
    size: int
    total: int

    @classmethod
    def of(cls, asked: int | None, total: int, size: int = PAGE_SIZE) -> Paging:
        """The page asked for, brought into range (past the last page: the last; nothing or nonsense: the first)."""
        pages = max(1, -(-total // size))
        return cls(min(max(1, asked or 1), pages), size, total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def nav(self, path: str, params: dict[str, str], lang: str, *, param: str = "page") -> str:
        """The line above (or below) the list: how many there are, which are shown, links to the other pages."""
        if self.total == 0:
            return ""
        first, last = self.offset + 1, min(self.total, self.offset + self.size)
        shown = t("paging_shown", lang, a=first, b=last, n=self.total)
        if self.pages == 1:
            return f'<p class="paging">{escape(shown)}</p>'

        def link(number: int, key: str) -> str:
            if number == self.number or not 1 <= number <= self.pages:
                return f'<span class="muted">{escape(t(key, lang))}</span>'
            query = urlencode({**{k: v for k, v in params.items() if v not in ("", None)}, param: str(number)})
            return f'<a href="{escape(path)}?{escape(query)}" rel="{key[5:]}">{escape(t(key, lang))}</a>'

        where = t("paging_page", lang, n=self.number, m=self.pages)
        links = " · ".join(link(n, k) for n, k in ((1, "page_first"), (self.number - 1, "page_prev"),
                                                 (self.number + 1, "page_next"), (self.pages, "page_last")))
        return f'<p class="paging">{escape(shown)} · {escape(where)} · {links}</p>'


__all__ = ["PAGE_SIZE", "Paging"]
